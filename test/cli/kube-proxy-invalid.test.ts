import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeK8sRepo } from '../cluster/k8s-fixture.js';
import { runCli } from '../helpers/run-cli.js';

// A proxy that is not a URL is the kubeconfig's (or the environment's) fault, not the credential plugin's: kubectl
// refuses a proxy-url that does not parse or has another scheme than http, https or socks5 when it validates the
// kubeconfig. The URL is never quoted: it may hold the proxy's password.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-proxy-invalid-'));
  writeK8sRepo(dir, { namespaces: ['proxy-invalid'], configMaps: 1, deployments: 0 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(proxyUrl: string | undefined): string {
  const file = join(dir, 'kubeconfig');
  const proxy = proxyUrl === undefined ? '' : `, proxy-url: ${JSON.stringify(proxyUrl)}`;
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      `clusters: [{name: prod, cluster: {server: "https://kube.example.invalid:6443"${proxy}}}]`,
      'users: [{name: u, user: {token: kc-proxy-invalid-token-1234}}]',
      'contexts: [{name: c, context: {cluster: prod, user: u}}]',
      '',
    ].join('\n'),
  );
  return file;
}

it.each([
  ['not a url', 'the kubeconfig cluster "prod"\'s proxy-url is not a URL'],
  ['ftp://ops:Hunter2-proxy-pw@proxy.corp:21', 'the kubeconfig cluster "prod"\'s proxy-url is not an http, https or socks5 proxy URL'],
  ['ops:Hunter2-proxy-pw@proxy.corp:3128', 'the kubeconfig cluster "prod"\'s proxy-url is not an http, https or socks5 proxy URL'],
  ['http://ops:Hunter2-proxy-pw@bad host:3128', 'the kubeconfig cluster "prod"\'s proxy-url is not a URL'],
])('proxy-url %s is refused with a true hint, the URL not quoted', async (proxyUrl, message) => {
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfig(proxyUrl)]);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: ${message}`);
  expect(out).toContain('http://HOST:PORT');
  expect(out).not.toContain('credentials-unavailable');
  expect(out).not.toContain('Invalid URL');
  expect(out).not.toContain('Hunter2-proxy-pw');
  expect(out).not.toMatch(/\n\s+at /);
});

it('an HTTPS_PROXY that is not a URL is kubernetes.proxy-invalid naming the variable, its password not shown', async () => {
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfig(undefined)], {
    env: { HTTPS_PROXY: 'http://ops:Hunter2-proxy-pw@bad host:3128', NO_PROXY: '' },
  });
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain('kubernetes.proxy-invalid');
  expect(out).toContain('HTTPS_PROXY (or https_proxy) is not a URL');
  expect(out).not.toContain('cannot reach the API server');
  expect(out).not.toContain('Hunter2-proxy-pw');
  expect(out).not.toMatch(/\n\s+at /);
});
