/**
 * Writes docs/errors.md from the code catalogue (engine/model/codes.ts):
 * `npm run docs:errors`. test/engine/model/codes.test.ts checks the committed
 * file equals what this renders.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CODES, type CodeInfo } from '../../engine/model/codes.js';
import { compareText } from '../../engine/model/compare-text.js';

export const ERRORS_DOC = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));

/** The whole of docs/errors.md: one table row per code, grouped by the part before the dot. */
export function renderErrorsDoc(): string {
  const byArea = new Map<string, [string, CodeInfo][]>();
  for (const [code, info] of Object.entries(CODES) as [string, CodeInfo][]) {
    const area = code.slice(0, code.indexOf('.'));
    byArea.set(area, [...(byArea.get(area) ?? []), [code, info]]);
  }
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const out = [
    '# Diagnostic and error codes',
    '',
    '<!-- generated from engine/model/codes.ts by `npm run docs:errors`; do not edit by hand -->',
    '',
    'Every diagnostic (`validate -o json`, SARIF rule ids, plan and review output) and every',
    'error plumb prints carries one of these codes. They are stable: scripts may key on them.',
    'A code an exec plugin reports itself is passed through as the plugin wrote it',
    "(docs/exec-protocol.md); a plugin code that ends in `.unreachable` stops that target's wave",
    'like the codes marked *unreachable* below.',
    '',
    'To add a code: add an entry to `CODES` in engine/model/codes.ts, run `npm run docs:errors`,',
    'and commit both files.',
  ];
  for (const area of [...byArea.keys()].sort()) {
    out.push('', `## ${area}`, '', '| code | meaning | what to do |', '|:--|:--|:--|');
    for (const [code, info] of byArea.get(area)!.sort(([a], [b]) => compareText(a, b))) {
      out.push(`| \`${code}\` | ${cell(info.meaning)}${info.unreachable ? ' (*unreachable*)' : ''} | ${cell(info.hint ?? '')} |`);
    }
  }
  return out.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
