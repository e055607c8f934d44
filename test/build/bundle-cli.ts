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
 * steady-state `plumb plan` of 500 objects; bundled, loading it costs about
 * 0.05 CPU-s. Its node-fetch → whatwg-url → tr46 requires the built-in
 * `punycode`, which Node 21+ deprecates with a warning for code outside
 * node_modules (the bundle is such code): it resolves to the userland
 * `punycode` package instead, the same code Node ships.
 *
 *   tsx test/build/bundle-cli.ts            (after tsc and the schema precompile)
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const requireHere = createRequire(import.meta.url);

/** Packages loaded from node_modules at run time, never bundled (see above). */
export const EXTERNAL_PACKAGES = ['@resvg/resvg-js', 'ink', 'react', 'pino', 'chokidar', 'prom-client', 'simple-git', 'ajv', 'ajv-formats'];

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

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
  banner: { js: "import { createRequire as __plumbCreateRequire } from 'node:module'; const require = __plumbCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [
    {
      name: 'plumb-externals',
      setup(b) {
        // tr46 (client-node → node-fetch → whatwg-url) asks for the deprecated built-in; the userland package is the same code
        b.onResolve({ filter: /^(node:)?punycode$/ }, () => ({ path: requireHere.resolve('punycode/punycode.js') }));
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || EXTERNAL_PACKAGES.includes(packageOf(args.path))) return { external: true };
          return undefined;
        });
      },
    },
  ],
});
