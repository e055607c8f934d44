import { BlockList, isIP } from 'node:net';

/**
 * The proxy the environment names for a request to `server`, as kubectl (Go's
 * `http.ProxyFromEnvironment`, golang.org/x/net/http/httpproxy) picks it when
 * the kubeconfig cluster sets no `proxy-url`: `HTTPS_PROXY` (or `https_proxy`)
 * for an https server, `HTTP_PROXY` (or `http_proxy`) for an http one; none
 * for `localhost` and loopback addresses, and none for a host `NO_PROXY` (or
 * `no_proxy`) excludes — comma-separated entries, each `*` (everything), an IP
 * address or CIDR block, or a host name that matches itself and its
 * subdomains (a leading `.` matches subdomains only), optionally with `:port`.
 * A value without a scheme is taken as `http://`. Hand-written rather than
 * `proxy-from-env`: that package also reads npm's `npm_config_*` proxy
 * settings (present whenever plumb runs under `npm run`) and has no CIDR
 * entries, so it would pick proxies kubectl does not.
 *
 * @returns the proxy URL as written (with `http://` added when it had no scheme), or undefined
 */
export function proxyFromEnvironment(server: URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const https = server.protocol === 'https:';
  const value = (https ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy))?.trim();
  if (!value) return undefined;
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || (https ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').trim();
  if (noProxy && excluded(host, port, noProxy)) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || /^(0*:)*:?0*1$/.test(host) || host.startsWith('::ffff:127.');
  return false;
}

function excluded(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // an IP address or a CIDR block
    const slash = entry.indexOf('/');
    if (slash > 0 && isIP(entry.slice(0, slash))) {
      const family = isIP(entry.slice(0, slash)) === 6 ? 'ipv6' : 'ipv4';
      const hostFamily = isIP(host);
      if (hostFamily && (hostFamily === 6) === (family === 'ipv6')) {
        const list = new BlockList();
        list.addSubnet(entry.slice(0, slash), Number(entry.slice(slash + 1)), family);
        if (list.check(host, family)) return true;
      }
      continue;
    }
    if (isIP(entry.replace(/^\[|\]$/g, ''))) {
      if (entry.replace(/^\[|\]$/g, '') === host) return true;
      continue;
    }
    // a host name, with an optional port
    const colon = entry.lastIndexOf(':');
    if (colon > 0 && !entry.includes(']') && /^\d+$/.test(entry.slice(colon + 1))) {
      if (entry.slice(colon + 1) !== port) continue;
      entry = entry.slice(0, colon);
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
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
