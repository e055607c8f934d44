import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { PlumbError } from '../../model/errors.js';

/**
 * The proxy the environment names for a request to `server`, as kubectl (Go's
 * `http.ProxyFromEnvironment`, golang.org/x/net/http/httpproxy) picks it when
 * the kubeconfig cluster sets no `proxy-url`: `HTTPS_PROXY` (or `https_proxy`)
 * for an https server, `HTTP_PROXY` (or `http_proxy`) for an http one; none
 * for `localhost` and loopback addresses, and none for a host `NO_PROXY` (or
 * `no_proxy`) excludes — comma-separated entries, each `*` (everything), an IP
 * address or CIDR block (IPv4-mapped IPv6 forms compared as IPv4), or a host
 * name (a non-ASCII one in its punycode form) that matches itself and its
 * subdomains (a leading `.` matches subdomains only), optionally with `:port`.
 * Of `HTTPS_PROXY` and `https_proxy` (and each pair) the first set and not
 * empty counts, as Go's `getEnvAny`. A value without a scheme is taken as `http://`. Hand-written rather than
 * `proxy-from-env`: that package also reads npm's `npm_config_*` proxy
 * settings (present whenever plumb runs under `npm run`) and has no CIDR
 * entries, so it would pick proxies kubectl does not.
 *
 * @returns the proxy URL as written (with `http://` added when it had no scheme), or undefined
 */
export function proxyFromEnvironment(server: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const https = server.protocol === 'https:';
  // Go's getEnvAny: the first variable that is set and not empty (`HTTPS_PROXY=""` does not hide `https_proxy`)
  const value = (https ? firstSet(env.HTTPS_PROXY, env.https_proxy) : firstSet(env.HTTP_PROXY, env.http_proxy))?.trim();
  if (!value) return undefined;
  const host = unmapIPv4(server.hostname.replace(/^\[|\]$/g, '').toLowerCase());
  const port = server.port || (https ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const noProxy = firstSet(env.NO_PROXY, env.no_proxy) ?? '';
  if (noProxy.trim() && excluded(host, port, noProxy)) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, `::ffff:a00:1`, `0:0:0:0:0:ffff:…`) as its IPv4 address, since
 * Go's `net.IP` compares the two forms as one address (a `10.0.0.0/8` entry matches a server at `::ffff:10.0.0.1`);
 * any other text unchanged.
 */
function unmapIPv4(address: string): string {
  if (isIP(address) !== 6) return address;
  const m = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(new URL(`http://[${address}]`).hostname);
  if (!m) return address;
  const high = Number.parseInt(m[1], 16);
  const low = Number.parseInt(m[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || /^(0*:)*:?0*1$/.test(host) || host.startsWith('::ffff:127.');
  return false;
}

/**
 * Whether `NO_PROXY` excludes `host:port`, entry by entry as Go's httpproxy reads it: `*`; a CIDR block; an IP
 * address, bare or with a port (`10.0.0.1`, `10.0.0.1:6443`, `fd00::1`, `[fd00::1]:6443`), compared as addresses
 * (`fd00:0::1` is `fd00::1`); else a host name with an optional port, matching itself and its subdomains (`.x` and
 * `*.x` its subdomains only). A bracketed IPv6 address without a port is no entry Go matches, nor here.
 */
function excluded(host: string, port: string, noProxy: string): boolean {
  const hostFamily = isIP(host);
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const slash = entry.indexOf('/');
    if (slash > 0 && isIP(entry.slice(0, slash)) && /^\d+$/.test(entry.slice(slash + 1))) {
      let base = entry.slice(0, slash);
      let bits = Number(entry.slice(slash + 1));
      // Go's IPNet.Contains: a block of IPv4-mapped addresses (`::ffff:10.0.0.0/104`, `::ffff:0:0/96`) is the IPv4
      // block of its last 32 bits (`10.0.0.0/8`, `0.0.0.0/0`); a shorter prefix masks away the `ffff` and is IPv6
      const mapped = unmapIPv4(base);
      if (mapped !== base && bits >= 96 && bits <= 128) {
        base = mapped;
        bits -= 96;
      }
      const family = isIP(base) === 6 ? 'ipv6' : 'ipv4';
      if (hostFamily && (hostFamily === 6) === (family === 'ipv6')) {
        const list = new BlockList();
        try {
          list.addSubnet(base, bits, family);
        } catch {
          continue; // a prefix out of range: Go's ParseCIDR refuses it, and the entry is then no IP entry either
        }
        if (list.check(host, family)) return true;
      }
      continue;
    }
    const split = splitHostPort(entry);
    let entryHost = split ? split.host : entry;
    const entryPort = split?.port ?? '';
    if (split && !entryHost) continue;
    if (split && entryHost.startsWith('[') && entryHost.endsWith(']')) entryHost = entryHost.slice(1, -1);
    entryHost = unmapIPv4(entryHost);
    const entryFamily = isIP(entryHost);
    if (entryFamily) {
      if (hostFamily !== entryFamily) continue;
      const list = new BlockList();
      list.addAddress(entryHost, entryFamily === 6 ? 'ipv6' : 'ipv4');
      if (list.check(host, entryFamily === 6 ? 'ipv6' : 'ipv4') && (!entryPort || entryPort === port)) return true;
      continue;
    }
    if (!entryHost) continue;
    if (entryHost.startsWith('*.')) entryHost = entryHost.slice(1);
    // Go's idnaASCII: a name with non-ASCII letters is compared in its ASCII (punycode) form, the form WHATWG URL
    // gives the server's host (`bücher.example` is `xn--bcher-kva.example`); one IDNA refuses is kept as written
    if (/[^\x00-\x7f]/.test(entryHost)) entryHost = domainToASCII(entryHost) || entryHost;
    const subdomainsOnly = entryHost.startsWith('.');
    const suffix = subdomainsOnly ? entryHost : `.${entryHost}`;
    if ((host.endsWith(suffix) || (!subdomainsOnly && host === entryHost)) && (!entryPort || entryPort === port)) return true;
  }
  return false;
}

/**
 * Go's `net.SplitHostPort`: `host:port` with one colon, or `[host]:port`; undefined when the entry is not of that
 * shape (a bare IPv6 address, a name without a port, `[fd00::1]` without one).
 */
function splitHostPort(entry: string): { host: string; port: string } | undefined {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0 || entry[close + 1] !== ':') return undefined;
    return { host: entry.slice(1, close), port: entry.slice(close + 2) };
  }
  const colon = entry.indexOf(':');
  if (colon < 0 || entry.indexOf(':', colon + 1) >= 0) return undefined;
  return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
}

/**
 * The credential in a proxy URL (`http://user:password@proxy:3128`; a token alone in the user part,
 * `http://TOKEN@proxy:3128`, when of 8+ characters), as written and decoded, and the URL itself when it holds one.
 * Read from the text, not through `URL`: a proxy variable without a scheme (`user:pass@proxy:3128`, which the client
 * takes as `http://`) parses as scheme `user:`, and WHATWG URL ends the user part at a `\`.
 */
export function proxyCredentialsOf(proxyUrl: string | undefined): string[] {
  if (!proxyUrl) return [];
  const rest = proxyUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const at = rest.lastIndexOf('@');
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const secret = colon >= 0 ? userinfo.slice(colon + 1) : userinfo.length >= 8 ? userinfo : '';
  if (!secret) return [];
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // kept as written
  }
  return [proxyUrl, secret, decoded];
}

/** The proxy schemes plumb's client speaks: kubectl's http, https and socks5, and socks4, socks4a, socks5h. */
const PROXY_SCHEME = /^(?:https?|socks(?:4a?|5h?)?):$/;

/**
 * The proxy URL `proxyUrl` parsed, or `kubernetes.proxy-invalid` when it is not a URL or its scheme is none plumb's
 * client speaks (kubectl's client-go refuses both when it validates the kubeconfig). The message never quotes the
 * URL: it may hold the proxy's password.
 *
 * @param source what names the proxy, for the message: `the kubeconfig cluster "prod"'s proxy-url`, `HTTPS_PROXY`
 * @throws PlumbError `kubernetes.proxy-invalid`
 */
export function parseProxyUrl(proxyUrl: string, source: string): URL {
  let proxy: URL | undefined;
  try {
    proxy = new URL(proxyUrl);
  } catch {
    // reported below
  }
  if (!proxy || !PROXY_SCHEME.test(proxy.protocol) || !proxy.hostname) {
    throw new PlumbError('kubernetes.proxy-invalid', `${source} is not ${proxy ? 'an http, https or socks5 proxy URL' : 'a URL'}`, {
      hint: 'write it as http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT (a user and password URL-encoded before the @), as kubectl reads it',
    });
  }
  return proxy;
}
