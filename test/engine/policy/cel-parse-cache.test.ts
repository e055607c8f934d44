import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { compileCel, evaluateCel, type CelProgram } from '../../../engine/policy/cel.js';
import { toCelInput } from '../../../engine/policy/cel-values.js';

const EXPRESSIONS = [
  "ci.spec.replicas >= 2 && ci.metadata.name.startsWith('api')",
  'ci.spec.ports.all(p, p.port > 1024) || has(ci.spec.public)',
  "ci.spec.ports.map(p, p.port).filter(x, x % 2 == 0).size() == 1 ? 'even' : 'odd'",
  "[1, 2, 3].exists(x, [4, 5].exists(y, x * y == 10)) && {'a': 1}['a'] == 1 && 'x'.matches('^x$')",
];

const CI = {
  metadata: { name: 'api-1' },
  spec: { replicas: 3, ports: [{ port: 8080 }, { port: 443 }] },
};

/**
 * CEL syntax trees kept in the content cache (engine/policy/cel.ts, parseKept):
 * a second process compiles from the kept tree — the cache is hit, nothing is
 * parsed — and the program answers exactly as a freshly parsed one.
 */
describe('CEL parses kept in the content cache', () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-cel-cache-'));
    process.env.PLUMB_CACHE = 'on';
    process.env.PLUMB_CACHE_DIR = dir;
    process.env.PLUMB_CACHE_KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
    resetContentCache();
  });
  afterEach(() => {
    process.env = { ...saved };
    resetContentCache();
    rmSync(dir, { recursive: true, force: true });
  });

  const compileAll = () => EXPRESSIONS.map((e) => compileCel(e, { variables: ['ci'] }) as CelProgram);
  const answers = (programs: CelProgram[]) => programs.map((p) => evaluateCel(p, { ci: toCelInput(CI) }));

  it('a second run compiles from the kept trees, with the same answers', () => {
    const first = compileAll();
    expect(first.every((p) => 'run' in p)).toBe(true);
    expect(defaultContentCache()!.stats.writes).toBe(EXPRESSIONS.length);
    resetContentCache(); // a new process: only the files on disk
    const second = compileAll();
    expect(defaultContentCache()!.stats).toMatchObject({ hits: EXPRESSIONS.length, writes: 0 });
    expect(answers(second)).toEqual(answers(first));
    expect(answers(first)).toEqual([true, false, 'even', true]);
  });

  it('a damaged entry is parsed again; a syntax error is never kept', () => {
    compileAll();
    const files = readdirSync(join(dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.parentPath.includes('cel-parse'));
    expect(files.length).toBe(EXPRESSIONS.length);
    for (const f of files) writeFileSync(join(f.parentPath, f.name), 'not an entry');
    resetContentCache();
    const again = compileAll();
    expect(answers(again)).toEqual([true, false, 'even', true]);
    expect(defaultContentCache()!.stats.hits).toBe(0);
    const bad = compileCel('ci.spec.replicas >=', { variables: ['ci'] });
    expect(bad).toMatchObject({ message: expect.stringMatching(/^syntax error/) });
    expect(defaultContentCache()!.stats.writes).toBe(EXPRESSIONS.length);
  });

  it('an expression holding a lone surrogate (YAML\'s "\\ud800" escape) answers warm as it does cold', () => {
    // UTF-8 (the key's hash, the kept tree's protobuf strings) has no lone surrogate: it became U+FFFD
    const lone = "'\uD800' == '\\ufffd'";
    const replaced = "'\uFFFD' == '\\ufffd'";
    const answer = (source: string) => evaluateCel(compileCel(source, { variables: [] }) as CelProgram, {});
    expect(answer(lone)).toBe(false);
    resetContentCache();
    expect(answer(lone)).toBe(false);
    // nor does the U+FFFD form, kept first, answer for it
    expect(answer(replaced)).toBe(true);
    resetContentCache();
    expect(answer(lone)).toBe(false);
    expect(answer(replaced)).toBe(true);
  });
});
