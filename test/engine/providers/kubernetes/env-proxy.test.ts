import { describe, expect, it } from 'vitest';
import { proxyCredentialsOf, proxyFromEnvironment } from '../../../../engine/providers/kubernetes/env-proxy.js';

const P = 'http://proxy.corp:3128';
const pick = (server: string, env: NodeJS.ProcessEnv) => proxyFromEnvironment(new URL(server), env);

/** The proxy kubectl (Go's httpproxy) takes from the environment when the kubeconfig sets no proxy-url. */
describe('proxyFromEnvironment', () => {
  it.each([
    ['https://api.prod.example:6443', { HTTPS_PROXY: P }, P],
    ['https://api.prod.example:6443', { https_proxy: P }, P],
    ['https://api.prod.example:6443', { HTTP_PROXY: P }, undefined],
    ['http://api.prod.example:8080', { HTTP_PROXY: P }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: 'proxy.corp:3128' }, 'http://proxy.corp:3128'],
    ['https://api.prod.example:6443', { HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, 'socks5://127.0.0.1:1080'],
    ['https://localhost:6443', { HTTPS_PROXY: P }, undefined],
    ['https://127.0.0.1:6443', { HTTPS_PROXY: P }, undefined],
    ['https://127.8.9.10:6443', { HTTPS_PROXY: P }, undefined],
    ['https://[::1]:6443', { HTTPS_PROXY: P }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'example' }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'prod.example' }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '.prod.example' }, undefined],
    ['https://prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '.prod.example' }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'other.example, api.prod.example' }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'xprod.example' }, P],
    ['https://notprod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'prod.example' }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'api.prod.example:6443' }, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'api.prod.example:443' }, P],
    ['https://API.Prod.Example:6443', { HTTPS_PROXY: P, no_proxy: 'api.prod.example' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, undefined],
    ['https://11.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, P],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3' }, undefined],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: 'fd00::/8' }, undefined],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, P],
    ['https://api.prod.example:6443', {}, undefined],
    ['https://api.prod.example:6443', { HTTPS_PROXY: '  ' }, undefined],
    // Go's getEnvAny: the first variable set and not empty
    ['https://api.prod.example:6443', { HTTPS_PROXY: '', https_proxy: P }, P],
    ['http://api.prod.example:8080', { HTTP_PROXY: '', http_proxy: P }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '', no_proxy: 'prod.example' }, undefined],
    // IP entries with a port, IPv6 ones in brackets, compared as addresses (Go's ipMatch)
    ['https://[fd00::1]:6443', { HTTPS_PROXY: P, NO_PROXY: '[fd00::1]:6443' }, undefined],
    ['https://[fd00::1]:6443', { HTTPS_PROXY: P, NO_PROXY: '[fd00::1]:443' }, P],
    ['https://[fd00::1]:6443', { HTTPS_PROXY: P, NO_PROXY: 'fd00::1' }, undefined],
    ['https://[fd00::1]:6443', { HTTPS_PROXY: P, NO_PROXY: 'FD00:0:0::1' }, undefined],
    ['https://[fd00::1]:6443', { HTTPS_PROXY: P, NO_PROXY: '[fd00::1]' }, P], // no entry Go matches
    // an IPv4-mapped IPv6 address is its IPv4 address, as Go's net.IP compares them
    ['https://[::ffff:10.0.0.1]:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, undefined],
    ['https://[::ffff:10.0.0.1]:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.1' }, undefined],
    ['https://[::ffff:10.0.0.1]:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.2' }, P],
    ['https://10.0.0.1:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.1' }, undefined],
    ['https://10.0.0.1:6443', { HTTPS_PROXY: P, NO_PROXY: '[::ffff:a00:1]:6443' }, undefined],
    ['https://[::ffff:127.0.0.1]:6443', { HTTPS_PROXY: P }, undefined],
    // a CIDR block of IPv4-mapped addresses is the IPv4 block of its last 32 bits (Go's IPNet.Contains; each row
    // checked against golang.org/x/net/http/httpproxy of Go 1.26): kubectl goes direct, plumb went through the proxy
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.0/104' }, undefined],
    ['https://[::ffff:10.1.2.3]:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.0/104' }, undefined],
    ['https://[0:0:0:0:0:ffff:a01:203]:6443', { HTTPS_PROXY: P, NO_PROXY: '::FFFF:10.0.0.0/100' }, undefined],
    ['https://11.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.0/104' }, P],
    ['https://192.168.1.1:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:0:0/96' }, undefined],
    ['https://192.168.1.1:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.0/96' }, undefined], // /96 masks the 10
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:10.0.0.0/88' }, P], // masks the ffff: an IPv6 block
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '::/0' }, P],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: '::ffff:0:0/96' }, P],
    // a host name with non-ASCII letters is compared in punycode (Go's idnaASCII), as URL gives the server's host
    ['https://bücher.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'bücher.example' }, undefined],
    ['https://api.bücher.example:6443', { HTTPS_PROXY: P, NO_PROXY: '.BÜCHER.example:6443' }, undefined],
    ['https://xn--bcher-kva.example:6443', { HTTPS_PROXY: P, NO_PROXY: '*.bücher.example' }, P],
    ['https://bucher.example:6443', { HTTPS_PROXY: P, NO_PROXY: 'bücher.example' }, P],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3:6443' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3:443' }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '*.prod.example' }, undefined],
    ['https://prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: '*.prod.example' }, P],
    ['https://api.prod.example:6443', { HTTPS_PROXY: P, NO_PROXY: ':6443' }, P],
  ] as const)('%s with %j → %s', (server, env, expected) => {
    expect(pick(server, env)).toBe(expected);
  });

  it("a proxy URL's password is a credential, as written and decoded", () => {
    expect(proxyCredentialsOf('http://u:p%40ss-word@proxy:3128')).toEqual(['http://u:p%40ss-word@proxy:3128', 'p%40ss-word', 'p@ss-word']);
    expect(proxyCredentialsOf('http://proxy:3128')).toEqual([]);
    expect(proxyCredentialsOf(undefined)).toEqual([]);
  });

  it('without a scheme, with a token alone in the user part, or with a backslash, the credential is still found (a hostile review)', () => {
    // the client takes a scheme-less proxy variable as http://; URL would read `alice:` as its scheme
    expect(proxyCredentialsOf('alice:S3cretPassw0rd@proxy.corp:3128')).toContain('S3cretPassw0rd');
    expect(proxyCredentialsOf('http://S3cretTokenOnly@proxy.corp:3128')).toContain('S3cretTokenOnly');
    expect(proxyCredentialsOf('http://bob:Back\\slashPass@proxy.corp:3128')).toContain('Back\\slashPass');
    // a short user name alone is no credential (it would be scrubbed from every line)
    expect(proxyCredentialsOf('http://ops@proxy.corp:3128')).toEqual([]);
  });
});
