import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const tracked = execFileSync('git', ['ls-files', 'engine', 'cli', 'tui', 'schemas', 'test', 'docs', 'README.md', 'deploy'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|json|md|yaml)$/.test(f) && !f.includes('/fixtures/') && existsSync(join(ROOT, f)));

describe('documentation references', () => {
  it('every docs/*.md the code, schemas and docs name exists', () => {
    const missing: string[] = [];
    for (const file of tracked) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/\bdocs\/([a-z0-9-]+\.md)/g)) {
        if (!existsSync(join(ROOT, 'docs', m[1]))) missing.push(`${file}: docs/${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every section of docs/architecture.md that the code and schemas cite exists', () => {
    const headings = new Set([...readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim()));
    const missing: string[] = [];
    for (const file of tracked) {
      // `docs/architecture.md, "Relations and impact"`, `docs/architecture.md "Diff and plan"`, also JSON-escaped quotes
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/docs\/architecture\.md,? \\?"([^"\\]+)\\?"/g)) {
        const section = m[1].replace(/\s*\n\s*\*?\s*/g, ' ');
        if (!headings.has(section)) missing.push(`${file}: "${section}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('nothing cites a design document that is not in the repository', () => {
    const name = ['DESIGN', 'md'].join('.');
    expect(tracked.filter((f) => readFileSync(join(ROOT, f), 'utf8').includes(name))).toEqual([]);
  });
});
