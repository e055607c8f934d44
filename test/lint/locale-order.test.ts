import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../engine/model/compare-text.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(entry.name)) yield path;
  }
}

/** A locale-following comparison in code that orders what plumb writes: `x.localeCompare(`, `Intl.Collator`. */
const LOCALE_ORDER = /\.localeCompare\(|\bIntl\s*\.\s*Collator\b/;

describe('orders do not follow the locale (engine/model/compare-text.ts)', () => {
  it('no source of the engine, CLI, TUI or docs generator orders by locale', () => {
    const found: string[] = [];
    for (const top of ['engine', 'cli', 'tui', 'test/docs']) {
      for (const file of sources(join(ROOT, top))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (LOCALE_ORDER.test(line) && !line.trimStart().startsWith('*')) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(found, 'use compareText from engine/model/compare-text.ts').toEqual([]);
  });

  it('compareText is code-unit order, whatever the locale says', () => {
    const names = ['zz-api', 'aa-web', 'Ab', 'ab', 'a_b', 'a-b', 'i', 'I', 'ı', 'ä', 'å'];
    expect([...names].sort(compareText)).toEqual([...names].sort());
    expect([...names].sort(compareText)).toEqual(['Ab', 'I', 'a-b', 'a_b', 'aa-web', 'ab', 'i', 'zz-api', 'ä', 'å', 'ı']);
    expect(compareText('a', 'a')).toBe(0);
  });
});
