import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { loadYamlLimited } from '../../../engine/load/limited-yaml.js';
import { parseConfig } from '../../../engine/config/load-config.js';
import { readYamlValue } from '../../../engine/yaml/yaml-documents.js';
import { runCli, PROJECT_ROOT } from '../../helpers/run-cli.js';

// Every YAML text plumb reads is read by the same rules: a collection used as a mapping key (both spellings, the
// value glued to the key's `:` in a flow mapping, an alias of a collection) is `yaml.complex-key` at the key's
// file:line:column, exit 1, and nothing of the parser on stderr — on every path a YAML text enters by (hostile8
// found the fast js-yaml path, plumb.yaml, snapshots and annotations reading such keys as their text).

/** Hostile values, each with the index (in the text) where its offending key starts. */
const HOSTILE: [what: string, text: string, keyAt: number][] = [
  ['a sequence key glued to its value in a flow mapping', '{[a]:x}', 1],
  ['a mapping key glued to its value', '{{a: 1}:x}', 1],
  ['a sequence key, spaced', '{[a]: x}', 1],
  ['an explicit key with no value', '{? [a]}', 3],
  ['an alias of a sequence as a key', '[&k [a], {*k : x}]', 10],
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-yaml-paths-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const PLUMB_YAML = 'inventory: ["inventory/**/*.yaml"]\n';
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: yaml-paths}\ndata: {a: b}\n';

type Found = { code: string; file?: string; line?: number; column?: number };

/** Diagnostics (`-o json`) or the thrown error's position (`data`), whichever the command gives. */
function found(stdout: string, stderr: string): Found[] {
  const out: Found[] = [];
  for (const text of [stdout, stderr]) {
    try {
      const json = JSON.parse(text) as { diagnostics?: Found[]; error?: { code: string; data?: { file?: string; line?: number; column?: number } } };
      out.push(...(json.diagnostics ?? []));
      if (json.error) out.push({ code: json.error.code, ...json.error.data });
    } catch {
      // not JSON: the text form is checked by the caller
    }
  }
  return out;
}

describe.each(HOSTILE)('%s', (_what, value, keyAt) => {
  it('is yaml.complex-key at the key in every file plumb reads itself (inventory, annotations, kustomization, chart values), exit 1, stderr quiet', async () => {
    const annotated = (annotation: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${annotation.split('/')[1]}\n  namespace: yaml-paths\n  annotations:\n    ${annotation}: '${value}'\ndata: {a: b}\n`;
    const dir = repoWith({
      'plumb.yaml': PLUMB_YAML,
      'inventory/a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: yaml-paths}\ndata: ${value}\n`,
      'inventory/relations.yaml': annotated('plumb.io/relations'),
      'inventory/capacity.yaml': annotated('plumb.io/capacity'),
      'inventory/kust/kustomization.yaml': `resources: [cm.yaml]\nlabels: ${value}\n`,
      'inventory/kust/cm.yaml': CONFIGMAP,
      'inventory/chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
      'inventory/chart/values.yaml': `a: ${value}\n`,
      'inventory/chart/templates/cm.yaml': CONFIGMAP,
    });
    const r = await runCli(['validate', '--repo', dir, '-o', 'json'], { env: { PLUMB_CACHE: 'off' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const complex = found(r.stdout, '').filter((d) => d.code === 'yaml.complex-key');
    // the annotation's own text is a value: the diagnostic is at the annotation (line 7, after `plumb.io/x: `)
    expect(complex.map(({ code, file, line, column }) => ({ code, file, line, column })).sort((a, b) => a.file!.localeCompare(b.file!))).toEqual([
      { code: 'yaml.complex-key', file: 'inventory/a.yaml', line: 4, column: 7 + keyAt },
      { code: 'yaml.complex-key', file: 'inventory/capacity.yaml', line: 7, column: 24 },
      { code: 'yaml.complex-key', file: 'inventory/chart/values.yaml', line: 1, column: 4 + keyAt },
      { code: 'yaml.complex-key', file: 'inventory/kust/kustomization.yaml', line: 2, column: 9 + keyAt },
      { code: 'yaml.complex-key', file: 'inventory/relations.yaml', line: 7, column: 25 },
    ]);
  }, 120_000);

  it('is yaml.complex-key at the key in plumb.yaml, a snapshot, a capacity recording and a kubeconfig, exit 1, stderr naming file:line:column', async () => {
    const cases: [name: string, files: Record<string, string>, args: string[], file: string, line: number, column: number][] = [
      ['plumb.yaml', { 'plumb.yaml': `${PLUMB_YAML}x: ${value}\n` }, ['validate'], 'plumb.yaml', 2, 4 + keyAt],
      [
        'a snapshot',
        {
          'plumb.yaml': `${PLUMB_YAML}targets: {s: {provider: snapshot, path: observed/s.yaml}}\ndefaultTarget: s\n`,
          'inventory/cm.yaml': CONFIGMAP,
          'observed/s.yaml': `apiVersion: plumb.io/v1\nkind: Snapshot\nmetadata:\n  x: ${value}\nobjects: []\n`,
        },
        ['plan'],
        'observed/s.yaml',
        4,
        6 + keyAt,
      ],
      [
        'a capacity recording',
        {
          'plumb.yaml': `${PLUMB_YAML}metrics: {provider: recorded, path: observed/metrics.yaml}\n`,
          'inventory/cm.yaml': CONFIGMAP,
          'observed/metrics.yaml': `recordedAt: 2026-11-30T00:00:00Z\nx: ${value}\nseries: []\n`,
        },
        ['capacity'],
        'observed/metrics.yaml',
        2,
        4 + keyAt,
      ],
      [
        'a kubeconfig',
        {
          'plumb.yaml': `${PLUMB_YAML}targets: {k: {provider: kubernetes, kubeconfig: kubeconfig}}\ndefaultTarget: k\n`,
          'inventory/cm.yaml': CONFIGMAP,
          kubeconfig: `apiVersion: v1\nkind: Config\nx: ${value}\nusers: [{name: u, user: {token: kc-yaml-paths-token-0123456789}}]\n`,
        },
        ['plan', '--kubeconfig', 'KUBECONFIG'],
        'kubeconfig',
        3,
        4 + keyAt,
      ],
    ];
    for (const [name, files, args, file, line, column] of cases) {
      const dir = repoWith(files);
      const r = await runCli([...args.map((a) => (a === 'KUBECONFIG' ? join(dir, 'kubeconfig') : a)), '--repo', dir], { env: { PLUMB_CACHE: 'off' } });
      const json = await runCli([...args.map((a) => (a === 'KUBECONFIG' ? join(dir, 'kubeconfig') : a)), '--repo', dir, '-o', 'json'], {
        env: { PLUMB_CACHE: 'off' },
      });
      expect(r.code, name).toBe(1);
      expect(r.stdout + r.stderr, name).toMatch(new RegExp(`${file.replace('.', '\\.')}:${line}:${column}\\b`));
      expect(r.stdout + r.stderr, name).toContain('a mapping key is a sequence or a mapping');
      expect(r.stderr, name).not.toMatch(/Warning|stringified|trace-warnings|\n\s+at /);
      expect(r.stdout + r.stderr, name).not.toContain('kc-yaml-paths-token');
      const where = found(json.stdout, json.stderr).find((d) => d.code === 'yaml.complex-key');
      // a kubeconfig is named as given (absolute here), the repository's files relative to it
      const named = where?.file && relative(dir, where.file.startsWith('/') ? where.file : join(dir, where.file));
      expect({ name, code: where?.code, file: named, line: where?.line, column: where?.column }).toEqual({
        name,
        code: 'yaml.complex-key',
        file,
        line,
        column,
      });
    }
  }, 240_000);
});

describe('every parse function reads a text as `yaml` does', () => {
  /** What `yaml` itself reads, or undefined when it refuses the text (errors, or a collection key). */
  const yamlReads = (text: string): unknown => {
    try {
      return parse(text, { version: '1.2', schema: 'core', logLevel: 'silent', uniqueKeys: false, merge: false });
    } catch {
      return undefined;
    }
  };
  const paths: [name: string, read: (text: string) => Promise<unknown>][] = [
    ['an inventory file', async (t) => parseYamlFile(t, 'f.yaml', { maxAliases: 100 }).documents[0]?.value],
    ['a one-document value (annotations, kustomizations, recordings)', async (t) => readYamlValue(t, { maxAliases: 100 })],
    ['a snapshot', async (t) => loadYamlLimited(t)],
    ['plumb.yaml', async (t) => ((await parseConfig(t)).diagnostics.length ? undefined : t)],
  ];
  it.each([
    ['a lone CR after a comment', 'a: b # c\rd: e\n', { a: 'b' }],
    ['a lone CR in a quoted scalar', 'a: "x\ry"\n', { a: 'x\ry' }],
  ])('%s', async (_what, text, expected) => {
    expect(yamlReads(text)).toEqual(expected);
    for (const [name, read] of paths.slice(0, 3)) expect({ name, value: await read(text) }).toEqual({ name, value: expected });
  });
  it.each(HOSTILE)('%s: refused by every path', async (_what, value) => {
    const text = `x: ${value}\n`;
    for (const [name, read] of paths)
      expect({ name, value: await read(text).catch((e: { code?: string }) => e.code) }).toMatchObject({
        name,
        value: name === 'an inventory file' || name === 'plumb.yaml' ? undefined : 'yaml.complex-key',
      });
  });
});

describe('no module parses YAML outside engine/yaml/', () => {
  /** Modules that may call a parser: the shared door, and the inventory's fast path (it tests NEEDS_YAML first). */
  const ALLOWED = new Set(['engine/yaml/yaml-documents.ts', 'engine/yaml/fast-parse-one.ts', 'engine/yaml/yaml-core-schema.ts', 'engine/load/fast-parse.ts']);
  const PARSERS = /\b(?:parse|parseDocument|parseAllDocuments|Parser|Composer|Lexer)\b/;

  it('imports no parse function of yaml, and nothing of js-yaml, elsewhere (so no parse can miss the shared options and checks)', () => {
    const offenders: string[] = [];
    for (const top of ['engine', 'cli', 'tui']) {
      for (const entry of readdirSync(join(PROJECT_ROOT, top), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
        const path = relative(PROJECT_ROOT, join(entry.parentPath, entry.name));
        if (ALLOWED.has(path)) continue;
        const text = readFileSync(join(PROJECT_ROOT, path), 'utf8');
        for (const m of text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+'(yaml|js-yaml)'/g)) {
          if (m[1]) continue;
          const names = m[2];
          if (m[3] === 'js-yaml' || !names.startsWith('{') || PARSERS.test(names.replace(/\btype\s+\w+/g, '')))
            offenders.push(`${path}: import ${names} from '${m[3]}'`);
        }
        if (/import\(\s*'(?:yaml|js-yaml)'\s*\)/.test(text)) offenders.push(`${path}: dynamic import of a YAML parser`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
