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
 * large ones only some commands load (@kubernetes/client-node, prom-client,
 * simple-git), and ajv, which only a schema that was not precompiled needs
 * (engine/json-schema/compile-schema.ts requires it from node_modules, as the
 * precompiled code requires ajv's runtime helpers).
 *
 *   tsx test/build/bundle-cli.ts            (after tsc and the schema precompile)
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Packages loaded from node_modules at run time, never bundled (see above). */
export const EXTERNAL_PACKAGES = [
  '@resvg/resvg-js',
  'ink',
  'react',
  'pino',
  'chokidar',
  '@kubernetes/client-node',
  'prom-client',
  'simple-git',
  'ajv',
  'ajv-formats',
];

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
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || EXTERNAL_PACKAGES.includes(packageOf(args.path))) return { external: true };
          return undefined;
        });
      },
    },
  ],
});
