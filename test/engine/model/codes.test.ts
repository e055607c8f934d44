import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, isCode, isUnreachable, pluginCode } from '../../../engine/model/codes.js';
import { ERRORS_DOC, renderErrorsDoc } from '../../docs/errors-doc.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('the code catalogue (engine/model/codes.ts)', () => {
  it('docs/errors.md is generated from it', () => {
    const committed = readFileSync(ERRORS_DOC, 'utf8');
    const message = 'docs/errors.md does not match engine/model/codes.ts: run `npm run docs:errors` and commit docs/errors.md';
    expect(committed === renderErrorsDoc(), message).toBe(true);
  });

  it('every catalogued code is emitted somewhere in engine/, cli/ or tui/ (no dead entries)', () => {
    const text = ['engine', 'cli', 'tui']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((f) => !f.endsWith('engine/model/codes.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const reconcileKinds = ['terminal', 'transient'].map((k) => `reconcile.${k}`); // built as `reconcile.${kind}` in classify-error.ts
    const dead = Object.keys(CODES).filter((c) => !reconcileKinds.includes(c) && !text.includes(`'${c}'`));
    expect(dead).toEqual([]);
  });

  it('codes are area.what, lowercase', () => {
    expect(Object.keys(CODES).filter((c) => !/^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$/.test(c))).toEqual([]);
  });

  it('unreachable is a property of the code, and a plugin says it with the documented suffix', () => {
    expect(
      Object.keys(CODES)
        .filter((c) => isCode(c) && isUnreachable(c))
        .sort(),
    ).toEqual(['kubernetes.unreachable', 'source.unreachable']);
    expect(isUnreachable('kubernetes.api-error')).toBe(false);
    expect(isUnreachable(pluginCode('cmdb.unreachable'))).toBe(true);
    expect(isUnreachable(pluginCode('cmdb.read-only'))).toBe(false);
  });
});
