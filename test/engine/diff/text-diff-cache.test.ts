import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { type DiffLabels, unifiedYamlDiff } from '../../../engine/diff/text-diff.js';
import { registerSecretValues } from '../../../engine/redact/scrubber.js';

type Case = readonly [id: string, observed: unknown, desired: unknown, labels?: DiffLabels];

const observed = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { LOG_LEVEL: 'debug', RETRIES: 3 } };
const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { LOG_LEVEL: 'info', RETRIES: 3 } };

/**
 * Pairs of cases that render different texts: the second of each must miss the
 * entry the first left, so a key without that part (observed, desired, id,
 * labels, key order, -0, which side is absent) serves the first one's text and
 * the comparison with the uncached rendering fails.
 */
const VARIANTS: readonly (readonly [what: string, first: Case, second: Case])[] = [
  [
    'observed changed',
    ['configmap:shop/settings', observed, desired],
    ['configmap:shop/settings', { ...observed, data: { LOG_LEVEL: 'warn', RETRIES: 3 } }, desired],
  ],
  [
    'desired changed',
    ['configmap:shop/settings', observed, desired],
    ['configmap:shop/settings', observed, { ...desired, data: { LOG_LEVEL: 'error', RETRIES: 3 } }],
  ],
  ['id changed', ['configmap:shop/settings', observed, desired], ['configmap:shop/other', observed, desired]],
  ['labels changed', ['configmap:shop/settings', observed, desired], ['configmap:shop/settings', observed, desired, ['base', 'head']]],
  [
    'key order changed (YAML keeps it)',
    ['configmap:shop/settings', observed, desired],
    ['configmap:shop/settings', observed, { ...desired, data: { RETRIES: 3, LOG_LEVEL: 'info' } }],
  ],
  ['-0 against 0', ['x:y/z', { n: 1 }, { n: 0 }], ['x:y/z', { n: 1 }, { n: -0 }]],
  ['NaN against null', ['x:y/z', { n: 1 }, { n: null }], ['x:y/z', { n: 1 }, { n: Number.NaN }]],
  ['a create against a delete', ['x:y/z', undefined, { n: 1 }], ['x:y/z', { n: 1 }, undefined]],
];

/**
 * Diff texts kept in the content cache (engine/diff/text-diff.ts): a text read
 * back is the one rendering gives, and any change to what is rendered is
 * another entry.
 */
describe('diff texts in the content cache', () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-diff-text-'));
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

  /** The text with the cache off (rendered). */
  const uncached = (c: Case): string => {
    process.env.PLUMB_CACHE = 'off';
    resetContentCache();
    try {
      return unifiedYamlDiff(...c);
    } finally {
      process.env.PLUMB_CACHE = 'on';
      resetContentCache();
    }
  };
  /** The text in a new process over the cache directory so far, and that process's cache stats (what it wrote is flushed). */
  const cached = (c: Case) => {
    resetContentCache();
    const text = unifiedYamlDiff(...c);
    const cache = defaultContentCache()!;
    const stats = { ...cache.stats };
    cache.flush();
    return { text, stats };
  };

  it('a second process reads the text back, equal to the rendered one', () => {
    const c: Case = ['configmap:shop/settings', observed, desired];
    const first = cached(c);
    expect(first.stats).toMatchObject({ hits: 0, misses: 1 });
    const second = cached(c);
    expect(second.stats).toMatchObject({ hits: 1, misses: 0, writes: 0 });
    expect(second.text).toBe(uncached(c));
    expect(second.text).toContain('-  LOG_LEVEL: debug\n+  LOG_LEVEL: info');
  });

  for (const [what, first, second] of VARIANTS)
    it(`misses when ${what}`, () => {
      cached(first);
      expect(uncached(second)).not.toBe(uncached(first));
      const again = cached(second);
      expect(again.stats.hits).toBe(0);
      expect(again.text).toBe(uncached(second));
    });

  it('misses when a secret registered since occurs in a side (the text is of the scrubbed value)', () => {
    const withSecret: Case = ['configmap:shop/settings', observed, { ...desired, data: { LOG_LEVEL: 'info', TOKEN: 's3cr3t-t0ken-value' } }];
    expect(cached(withSecret).text).toContain('s3cr3t-t0ken-value');
    registerSecretValues(['s3cr3t-t0ken-value']);
    const again = cached(withSecret);
    expect(again.stats.hits).toBe(0);
    expect(again.text).not.toContain('s3cr3t-t0ken-value');
    expect(again.text).toBe(uncached(withSecret));
  });
});
