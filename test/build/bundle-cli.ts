/**
 * `npm run build`'s last step: bundles the compiled CLI (dist/cli/main.js and
 * everything it imports, statically or lazily) with esbuild into
 * dist/bundle/plumb.js plus one chunk per lazily loaded part (code splitting:
 * a command still loads only its own module graph), which is the `plumb`
 * binary (package.json `bin`).
 *
 * Why: with ~400 modules, a Node start-up spends more time resolving, opening
 * and compiling files than running plumb; one file per lazy part costs a
 * third less CPU for `plumb validate` and a fifth less for `--version`
 * (test/bench/startup.ts measures both against node -e 0).
 *
 * Left outside the bundle, loaded from node_modules as before: packages with
 * native code or files they find at run time (@resvg/resvg-js, ink and its
 * yoga WebAssembly, react, pino's worker transports, chokidar's fsevents),
 * large ones only some commands load (prom-client, simple-git), and ajv,
 * which only a schema that was not precompiled needs
 * (engine/json-schema/compile-schema.ts requires it from node_modules, as the
 * precompiled code requires ajv's runtime helpers).
 *
 * @kubernetes/client-node is bundled, in the chunk of the Kubernetes provider
 * only (so still loaded only by commands that talk to a cluster): from
 * node_modules its index pulls about 830 files (the generated API clients
 * and models, which plumb does not use — it has its own transport), and
 * resolving, reading and compiling them cost 0.45 of the 1.15 CPU-s of a
 * steady-state `plumb plan` of 500 objects. plumb imports its KubeConfig
 * module (`dist/config.js`) rather than the index (which also loads exec,
 * attach, cp, port-forward, metrics and ws), and two rules keep what that
 * module drags in from running at load time:
 * - the generated client (`dist/gen/`, ~540 KiB: every API group's client and
 *   model class) is marked free of side effects, so only what KubeConfig's
 *   `makeApiClient` references is kept (it has no top-level effects: classes
 *   and tables only);
 * - node-fetch's `whatwg-url` (with tr46's Unicode table and webidl, ~340 KiB)
 *   is Node's own WHATWG `URL`: node-fetch takes `url.URL` when Node has it
 *   (`const URL = Url.URL || whatwgUrl.URL`), which every Node ≥ 10 does, so
 *   the package was evaluated and never called.
 * - the Azure, GCP and OIDC auth providers (jsonpath-plus, openid-client, ~95 KB) are
 *   stand-ins that import the real class on first use ({@link LAZY_AUTH});
 * - socks-proxy-agent (with socks, ip-address and debug, ~220 KB) is constructed
 *   only for a cluster whose `proxy-url` is `socks5://…`: it is required from
 *   node_modules (plumb's own dependency) on that first construction, not bundled.
 * Loading the client went from ~74 to ~31 ms of CPU (a third of a
 * steady-state plan's module loading). Should anything still reach
 * whatwg-url's `punycode`, it resolves to the userland package, not the
 * built-in Node 21+ deprecates with a warning for code outside node_modules.
 *
 *   tsx test/build/bundle-cli.ts            (after tsc and the schema precompile)
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const requireHere = createRequire(import.meta.url);

/** Packages loaded from node_modules at run time, never bundled (see above). */
export const EXTERNAL_PACKAGES = ['@resvg/resvg-js', 'ink', 'react', 'pino', 'chokidar', 'prom-client', 'simple-git', 'ajv', 'ajv-formats'];

/** Marks the plugin's own resolve call, so it does not answer itself. */
const GEN = Symbol('client-node gen');

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bundled CommonJS packages require Node's built-ins: an output file that uses `require` defines it ({@link dropUnusedBanner}). */
export const BANNER = "import { createRequire as __plumbCreateRequire } from 'node:module'; const require = __plumbCreateRequire(import.meta.url);";

/**
 * `code` without {@link BANNER} when nothing after it names `require` (a free
 * identifier, not a property or part of a longer name); as it is otherwise.
 * esbuild puts the banner on every output file, but only its runtime chunk
 * (`__require`, through which bundled CommonJS requires Node's built-ins) and
 * a file with a `require(…)` left in it use it: a steady-state `plumb plan`
 * loads ~85 chunks, and a `createRequire` per chunk cost ~10 ms of its CPU.
 * A mention in a string or a comment keeps the banner (harmless).
 */
export function dropUnusedBanner(code: string): string {
  // after the entry's `#!/usr/bin/env node`, if any
  const at = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0;
  if (!code.startsWith(BANNER, at)) return code;
  const body = code.slice(at + BANNER.length).replace(/^\r?\n/, '');
  return /(?<![\w$.])require\b/.test(body) ? code : code.slice(0, at) + body;
}

/**
 * How plumb's bundle resolves packages (the rules above): Node's built-ins and
 * {@link EXTERNAL_PACKAGES} stay outside it; client-node's generated client
 * keeps only what is referenced; node-fetch's whatwg-url is Node's URL;
 * socks-proxy-agent loads on first construction; punycode is the userland package.
 */
export const plumbBundlePlugin: Plugin = {
  name: 'plumb-externals',
  setup(b) {
    // tr46 (client-node → node-fetch → whatwg-url) asks for the deprecated built-in; the userland package is the same code
    b.onResolve({ filter: /^(node:)?punycode$/ }, () => ({ path: requireHere.resolve('punycode/punycode.js') }));
    // node-fetch uses whatwg-url's URL only where Node has none (see above)
    b.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      /[\\/]node-fetch[\\/]/.test(args.importer) ? { path: 'whatwg-url', namespace: 'plumb-node-url' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'plumb-node-url' }, () => ({ contents: 'export default { URL: globalThis.URL };', loader: 'js' }));
    b.onResolve({ filter: /^socks-proxy-agent$/ }, (args) =>
      /[\\/]client-node[\\/]dist[\\/]/.test(args.importer) ? { path: 'socks-proxy-agent', namespace: 'plumb-lazy-socks' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'plumb-lazy-socks' }, () => ({
      // a constructor may return another object: `new SocksProxyAgent(url)` is the package's own agent, required from
      // node_modules (plumb's own dependency) on that first construction — bundled, it was a chunk of ~220 KB (socks,
      // ip-address, smart-buffer, debug) every command that talks to a cluster loaded and compiled
      contents:
        "export class SocksProxyAgent { constructor(...args) { const { SocksProxyAgent: Agent } = require('socks-proxy-agent'); return new Agent(...args); } }",
      loader: 'js',
      resolveDir: ROOT,
    }));
    b.onResolve({ filter: /^socks-proxy-agent$/ }, (args) =>
      args.namespace === 'plumb-lazy-socks' ? { path: 'socks-proxy-agent', external: true } : undefined,
    );
    // client-node's Azure, GCP and OIDC auth providers: stand-ins that load the real one when a user needs it (see above)
    b.onResolve({ filter: /^\.\/(azure|gcp|oidc)_auth\.js$/ }, (args) =>
      /[\\/]client-node[\\/]dist[\\/]config\.js$/.test(args.importer)
        ? { path: args.path.slice(2, -'_auth.js'.length), namespace: 'plumb-lazy-auth' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'plumb-lazy-auth' }, (args) => ({ contents: lazyAuthProvider(args.path), loader: 'js', resolveDir: ROOT }));
    // client-node's generated client: only what is referenced is kept (see above)
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData === GEN || !/[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/.test(args.importer)) return undefined;
      const found = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: GEN });
      return /[\\/]client-node[\\/]dist[\\/]gen[\\/]/.test(found.path) ? { ...found, sideEffects: false } : found;
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || EXTERNAL_PACKAGES.includes(packageOf(args.path))) return { external: true };
      return undefined;
    });
  },
};

/**
 * The auth providers client-node's KubeConfig constructs for every kubeconfig (`auth-provider:` users of
 * Azure, GCP and OIDC, deprecated by Kubernetes in favour of exec plugins): `jsonpath-plus` (Azure, GCP) and
 * `openid-client` with `oauth4webapi` (OIDC), ~95 KB every command that talks to a cluster loaded and
 * compiled. The stand-in answers `isAuthProvider` as the class does (its code, copied from client-node 1.4)
 * and imports the class — a chunk of its own — on the first `applyAuthentication`, which it hands every
 * call to (one instance per stand-in, so the OIDC provider's token expiry is kept as before).
 * test/build/bundle-kube-client.test.ts checks the copies against the classes and the tokens each applies.
 */
export const LAZY_AUTH: Readonly<Record<string, { readonly className: string; readonly isAuthProvider: string }>> = {
  azure: {
    className: 'AzureAuth',
    isAuthProvider: "if (!user || !user.authProvider) { return false; } return user.authProvider.name === 'azure';",
  },
  gcp: {
    className: 'GoogleCloudPlatformAuth',
    isAuthProvider: "if (!user || !user.authProvider) { return false; } return user.authProvider.name === 'gcp';",
  },
  oidc: {
    className: 'OpenIDConnectAuth',
    isAuthProvider: "if (!user.authProvider) { return false; } return user.authProvider.name === 'oidc';",
  },
};

function lazyAuthProvider(name: string): string {
  const { className, isAuthProvider } = LAZY_AUTH[name];
  return `export class ${className} {
  isAuthProvider(user) { ${isAuthProvider} }
  async applyAuthentication(...args) {
    this.real ??= import('@kubernetes/client-node/dist/${name}_auth.js').then((m) => new m.${className}());
    return (await this.real).applyAuthentication(...args);
  }
}
`;
}

/** Bundles dist/cli/main.js (and the TUI's plan worker) into dist/bundle/ (see above). */
export async function bundleCli(): Promise<void> {
  rmSync(`${ROOT}dist/bundle`, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    // the TUI's plan worker is a file of its own (tui/plan-in-worker.ts starts ./plan-worker.js beside its own module)
    entryPoints: { plumb: 'dist/cli/main.js', 'plan-worker': 'dist/tui/plan-worker.js' },
    outdir: 'dist/bundle',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // bundled CommonJS packages require Node's built-ins
    banner: { js: BANNER },
    logLevel: 'warning',
    plugins: [plumbBundlePlugin],
  });
  for (const name of readdirSync(`${ROOT}dist/bundle`)) {
    if (!name.endsWith('.js')) continue;
    const file = `${ROOT}dist/bundle/${name}`;
    const code = readFileSync(file, 'utf8');
    const trimmed = dropUnusedBanner(code);
    if (trimmed !== code) writeFileSync(file, trimmed);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundleCli();
