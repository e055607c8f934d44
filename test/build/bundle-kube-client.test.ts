import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANNER, plumbBundlePlugin } from './bundle-cli.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

/**
 * The bundle's rules for @kubernetes/client-node (test/build/bundle-cli.ts): the
 * Kubernetes client bundled as `plumb` ships it, with the generated API clients
 * dropped, node-fetch's whatwg-url replaced by Node's URL and socks-proxy-agent
 * loaded from node_modules on first construction — and still working.
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
