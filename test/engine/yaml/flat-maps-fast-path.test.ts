import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fastParseOne, NEEDS_YAML } from '../../../engine/yaml/fast-parse-one.js';

/**
 * A flow sequence of flat flow mappings — the `plumb.io/relations` annotation of
 * most Kubernetes CIs — stays on the fast path (it went to `yaml` for each of
 * 100k CIs: ~1.5 CPU-s of a warm plan), and reads as `yaml` reads it; a mapping
 * that may hold a collection key, or a key with no value, still goes to `yaml`.
 */
describe('flow sequences of flat flow mappings', () => {
  it('a relations annotation takes the fast path; collection and value-less keys do not', () => {
    expect(NEEDS_YAML.test('[{type: runsOn, target: cluster:shop/k8s-0}, {type: partOf, target: application:shop/app-1}]')).toBe(false);
    for (const text of ['{a: 1, [b]}', '[{a: 1}, {b: [c]}]', '[{null}]', '[{a}]', '[{a: 1},\n{b: 2}]', '[{a: "x"}, {b: 2}]', '[{a: 1 # c}, {b: 2}]'])
      expect({ text, needsYaml: NEEDS_YAML.test(text) }).toEqual({ text, needsYaml: true });
  });

  it('reads what yaml reads, for 30,000 generated sequences of mappings', () => {
    const inner = [
      'a',
      'b',
      ': ',
      ':',
      ', ',
      ',',
      ' ',
      '1',
      'null',
      '~',
      '-',
      '- ',
      '? ',
      '&x ',
      '*x',
      '!t ',
      'true',
      '0x1',
      '.5',
      '@',
      '`',
      '%',
      '|',
      '>',
      '\t',
      'a: ',
      'NULL',
      'on',
      '<<: ',
    ];
    let seed = 11;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    let fast = 0;
    for (let i = 0; i < 30_000; i++) {
      const maps: string[] = [];
      for (let m = 0, n = 1 + rnd(3); m < n; m++) {
        let c = '';
        for (let k = 0, l = rnd(8); k < l; k++) c += inner[rnd(inner.length)];
        maps.push(`{${c}}`);
      }
      const text = `${rnd(4) ? '' : ' '}[${maps.join(rnd(2) ? ', ' : ',')}]`;
      const quick = fastParseOne(text);
      if (!quick) continue;
      fast++;
      let value: unknown;
      try {
        value = parse(text, { version: '1.2', schema: 'core', uniqueKeys: true, logLevel: 'error' });
      } catch {
        value = 'refused by yaml';
      }
      if (!isDeepStrictEqual(quick.value, value)) expect({ text, fast: quick.value }).toEqual({ text, fast: value });
    }
    expect(fast).toBeGreaterThan(10_000);
  });
});
