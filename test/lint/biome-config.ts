/**
 * biome.json is generated from this file: `npm run lint:config`. The layer
 * order below is the import rule of docs/architecture.md ("Layers"); the test
 * test/lint/layers.test.ts checks biome.json matches it and that the rule
 * catches an upward import.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * engine/ folders, bottom to top: a folder may import only the folders listed
 * before it (and never cli/ or tui/). A new folder goes where its imports put it.
 * A group (`['load', 'render']`) is one layer whose folders may import each
 * other: rendering (Kustomize, Helm, SOPS) is a sub-stage of loading.
 */
export const LAYER_ORDER: readonly (string | readonly string[])[] = [
  'model',
  'concurrency',
  'network',
  'yaml',
  'redact',
  'json-schema',
  'config',
  'cache',
  'kubernetes-schema',
  ['load', 'render'],
  'graph',
  'capacity',
  'validate',
  'providers',
  'diff',
  'impact',
  'policy',
  'plan',
  'review',
  'lock',
  'audit',
  'backup',
  'apply',
  'notify',
  'incidents',
  'correlate',
  'report',
  'sources',
  'leader',
  'metrics',
  'operations',
  'reconcile',
];

/** Every engine folder, bottom to top. */
export const LAYERS: readonly string[] = LAYER_ORDER.flat();

/** Front ends reach the engine through engine/index.ts only (the facade, engine/operations/). */
export const FRONT_ENDS = ['cli', 'tui'] as const;

export const BIOME_CONFIG = fileURLToPath(new URL('../../biome.json', import.meta.url));

const restrict = (group: string[], message: string) => ({
  linter: { rules: { style: { noRestrictedImports: { level: 'error', options: { patterns: [{ group, message }] } } } } },
});

export function biomeConfig(): unknown {
  const layerRules = LAYER_ORDER.flatMap((layer, i) => {
    const members = typeof layer === 'string' ? [layer] : layer;
    const below = LAYER_ORDER.slice(0, i).flat();
    const above = LAYER_ORDER.slice(i + 1).flat();
    return members.map((folder) => ({
      includes: [`engine/${folder}/**`],
      ...restrict(
        [...above.map((a) => `**/${a}/**`), ...FRONT_ENDS.map((f) => `**/${f}/**`)],
        `engine/${folder}/ may import only the layers below it: ${below.join(', ') || 'none'}${members.length > 1 ? ` (and ${members.filter((m) => m !== folder).join(', ')})` : ''} (docs/architecture.md, "Layers")`,
      ),
    }));
  });
  return {
    $schema: './node_modules/@biomejs/biome/configuration_schema.json',
    vcs: { enabled: true, clientKind: 'git', useIgnoreFile: true },
    files: { includes: ['engine/**', 'cli/**', 'tui/**', 'test/**', '!test/fixtures', '!**/__golden__'] },
    // the code's style, enforced by `npm run lint` (biome check); `npx biome format --write .` applies it
    formatter: { enabled: true, indentStyle: 'space', indentWidth: 2, lineWidth: 160, lineEnding: 'lf' },
    // biome.json is written by this file (JSON.stringify), so JSON is not Biome's to format
    json: { formatter: { enabled: false } },
    javascript: {
      formatter: {
        quoteStyle: 'single',
        jsxQuoteStyle: 'double',
        semicolons: 'always',
        trailingCommas: 'all',
        arrowParentheses: 'always',
        bracketSpacing: true,
      },
    },
    assist: { enabled: false },
    linter: {
      enabled: true,
      rules: {
        preset: 'recommended',
        // choices the code makes on purpose
        style: { noNonNullAssertion: 'off', useTemplate: 'off' },
        suspicious: {
          noAssignInExpressions: 'off', // while ((m = re.exec(s)))
          useIterableCallbackReturn: 'off',
          noControlCharactersInRegex: 'off', // the scrubber and terminal sanitising match control characters
          noShadowRestrictedNames: 'off', // local escape() helpers
          noImplicitAnyLet: 'off', // tsc's control-flow typing covers it
          noThenProperty: 'off',
          noArrayIndexKey: 'off',
          noFocusedTests: 'off',
        },
        correctness: { noVoidTypeReturn: 'off', useExhaustiveDependencies: 'warn', useHookAtTopLevel: 'off' },
      },
    },
    overrides: [
      ...layerRules,
      ...FRONT_ENDS.map((f) => ({
        includes: [`${f}/**`],
        ...restrict(
          // cache-settings.ts (Node built-ins only): cli/main.ts turns V8's compile cache on in plumb's cache directory before anything loads
          ['**/engine/**', '!**/engine/index.js', '!**/engine/cache/cache-settings.js'],
          `${f}/ reaches the engine through engine/index.ts only (the facade; docs/architecture.md, "The facade")`,
        ),
      })),
      { includes: ['test/**'], linter: { rules: { suspicious: { noFocusedTests: 'error' } } } },
    ],
  };
}

export function renderBiomeConfig(): string {
  return JSON.stringify(biomeConfig(), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(BIOME_CONFIG, renderBiomeConfig());
  console.log(`wrote ${BIOME_CONFIG}`);
}
