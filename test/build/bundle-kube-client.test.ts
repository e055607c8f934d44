import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANNER, LAZY_AUTH, plumbBundlePlugin } from './bundle-cli.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

/**
 * The bundle's rules for @kubernetes/client-node (test/build/bundle-cli.ts): the
 * Kubernetes client bundled as `plumb` ships it, with the generated API clients
 * dropped, node-fetch's whatwg-url replaced by Node's URL, socks-proxy-agent
 * loaded from node_modules on first construction and the Azure, GCP and OIDC auth
 * providers loaded on first use — and still working.
 */
describe("the bundle's Kubernetes client", () => {
  let dir: string;
  let inputs: string[];
  let bundled: { loadKubeConfig: typeof import('../../engine/providers/kubernetes/kube-config.js').loadKubeConfig; fetch: typeof fetch };

  beforeAll(async () => {
    // inside the project, as dist/bundle is: the bundle requires socks-proxy-agent from node_modules
    dir = mkdtempSync(join(PROJECT_ROOT, 'node_modules', '.plumb-bundle-k8s-'));
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      stdin: {
        contents: "export { loadKubeConfig } from './engine/providers/kubernetes/kube-config.ts';\nexport { default as fetch } from 'node-fetch';\n",
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
        sourcefile: 'entry.ts',
      },
      outfile: join(dir, 'client.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: { js: BANNER },
      metafile: true,
      logLevel: 'silent',
      plugins: [plumbBundlePlugin],
    });
    // what the output holds (the metafile's inputs list every file read, tree-shaken or not)
    inputs = Object.entries(Object.values(result.metafile.outputs)[0].inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([f]) => f);
    bundled = await import(pathToFileURL(join(dir, 'client.js')).href);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds neither the generated API clients and models nor whatwg-url and its Unicode tables', () => {
    expect(inputs.some((f) => f.includes('@kubernetes/client-node/dist/config.js'))).toBe(true);
    expect(inputs.filter((f) => /client-node\/dist\/gen\/(apis|models)\/|\/whatwg-url\/|\/tr46\/|\/webidl-conversions\//.test(f))).toEqual([]);
  });

  it('holds no SOCKS client: socks-proxy-agent and what it pulls in (socks, ip-address, smart-buffer, debug) load from node_modules when used', () => {
    expect(inputs.filter((f) => /node_modules\/(socks|socks-proxy-agent|ip-address|smart-buffer|debug)\//.test(f))).toEqual([]);
  });

  it('node-fetch works with Node URL in place of whatwg-url', async () => {
    const server = createServer((req, res) => res.end(`seen ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await bundled.fetch(`http://127.0.0.1:${port}/a/../b?c=d%20e`);
      expect(await res.text()).toBe('seen /b?c=d%20e');
    } finally {
      server.close();
    }
  });

  it("loads neither jsonpath-plus nor openid-client with the client: the Azure, GCP and OIDC auth providers are chunks of their own, imported on a user's first request", async () => {
    const out = join(dir, 'split');
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      stdin: {
        contents: "export { loadKubeConfig } from './engine/providers/kubernetes/kube-config.ts';\n",
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
        sourcefile: 'entry.ts',
      },
      outdir: out,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: { js: BANNER },
      metafile: true,
      logLevel: 'silent',
      plugins: [plumbBundlePlugin],
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint !== undefined)!;
    // what loading the client loads: the entry and its static imports, transitively
    const loaded = new Set<string>();
    const visit = (f: string) => {
      if (loaded.has(f)) return;
      loaded.add(f);
      for (const i of outputs[f].imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path);
    };
    visit(entry);
    const held = (f: string) =>
      Object.entries(outputs[f].inputs)
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([name]) => name);
    const lazy = /node_modules\/(jsonpath-plus|openid-client|oauth4webapi)\/|client-node\/dist\/(azure|gcp|oidc)_auth\.js/;
    expect([...loaded].flatMap(held).filter((f) => lazy.test(f))).toEqual([]);
    expect([...loaded].flatMap(held).some((f) => f.includes('client-node/dist/config.js'))).toBe(true);
    expect(
      Object.keys(outputs)
        .flatMap(held)
        .filter((f) => lazy.test(f)).length,
    ).toBeGreaterThan(0);
  });

  it("the stand-ins answer isAuthProvider as client-node's classes do, and each provider's user gets its token", async () => {
    const users = [
      undefined,
      {},
      { authProvider: undefined },
      { authProvider: { name: 'azure' } },
      { authProvider: { name: 'gcp' } },
      { authProvider: { name: 'oidc' } },
      { authProvider: { name: 'other' } },
      { exec: { command: 'x' } },
    ];
    for (const [name, { className, isAuthProvider }] of Object.entries(LAZY_AUTH)) {
      const Real = (await import(`@kubernetes/client-node/dist/${name}_auth.js`))[className];
      const standIn = new Function('user', isAuthProvider) as (user: unknown) => boolean;
      for (const user of users) {
        const answer = (f: () => boolean) => {
          try {
            return f();
          } catch (e) {
            return (e as Error).constructor.name;
          }
        };
        expect(
          answer(() => standIn(user)),
          `${name} ${JSON.stringify(user)}`,
        ).toEqual(answer(() => new Real().isAuthProvider(user)));
      }
    }

    const expired = '1600000000'; // 2020: the GCP token is refreshed by its command, read with jsonpath-plus
    const jwt = (exp: number) =>
      [{ alg: 'none' }, { exp, sub: 'bundle' }].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.sig';
    const oidcToken = jwt(Math.floor(Date.now() / 1000) + 3600);
    const users2 = [
      ['azure', "{name: azure, config: {access-token: azure-token-7f3e, expires-on: '4102444800'}}", 'azure-token-7f3e'],
      [
        'gcp',
        `{name: gcp, config: {access-token: old, expiry: '2020-09-13T12:26:40Z', expires-on: '${expired}', cmd-path: /bin/echo, cmd-args: '''{"credential":{"access_token":"gcp-token-51c2","token_expiry":"2100-01-01T00:00:00Z"}}''', token-key: '{.credential.access_token}', expiry-key: '{.credential.token_expiry}'}}`,
        'gcp-token-51c2',
      ],
      ['oidc', `{name: oidc, config: {id-token: ${oidcToken}, client-id: c, idp-issuer-url: "https://127.0.0.1:1"}}`, oidcToken],
    ] as const;
    for (const [name, provider, token] of users2) {
      const kubeconfig = join(dir, `kubeconfig-${name}`);
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: c',
          'clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]',
          `users: [{name: u, user: {auth-provider: ${provider}}}]`,
          'contexts: [{name: c, context: {cluster: c, user: u}}]',
          '',
        ].join('\n'),
      );
      const opts: { headers?: Record<string, string> } = { headers: {} };
      await bundled.loadKubeConfig({ kubeconfig }).applyToHTTPSOptions(opts as never);
      expect(opts.headers?.Authorization, name).toBe(`Bearer ${token}`);
    }
  });

  it('a cluster behind a SOCKS proxy gets socks-proxy-agent itself, loaded on first use', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", proxy-url: "socks5://127.0.0.1:1080", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: bundle-test-token-9c1d}}]',
        'contexts: [{name: c, context: {cluster: c, user: u}}]',
        '',
      ].join('\n'),
    );
    const kc = bundled.loadKubeConfig({ kubeconfig });
    const opts: {
      agent?: { constructor: { name: string; protocols?: string[] }; proxy?: { host?: string; port?: number } };
      headers?: Record<string, string>;
    } = {};
    await kc.applyToHTTPSOptions(opts as never);
    // the package's own class (esbuild may rename it), not the bundle's stand-in
    expect(opts.agent?.constructor.name).toMatch(/^SocksProxyAgent\d*$/);
    expect(opts.agent?.constructor.protocols).toContain('socks5');
    expect(opts.agent?.proxy).toMatchObject({ host: '127.0.0.1', port: 1080 });
    expect(opts.headers?.Authorization).toBe('Bearer bundle-test-token-9c1d');
  });
});
