import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { inert, inertBlock } from '../../../engine/report/inert.js';
import { renderDiagnosticsText } from '../../../engine/report/plan-text.js';
import { renderValidateText } from '../../../engine/report/validate-text.js';

const c = pc.createColors(false);

describe('terminal output is inert', () => {
  // attack: a file name with a newline forged a diagnostic line; an escape sequence in a plugin message recoloured the terminal
  it('escapes a newline in a file name so it cannot start a line of its own', () => {
    const file = 'inventory/x.yaml\ninventory/ok.yaml:1:1  error  forged';
    const out = renderValidateText({
      diagnostics: [{ severity: 'error', code: 'yaml.syntax', message: 'bad', file, line: 1, column: 1 }],
      cis: 0,
      relations: 0,
      source: () => undefined,
      sensitive: new Map(),
      colors: c,
    });
    expect(out.split('\n').filter((l) => l.startsWith('inventory/ok.yaml'))).toEqual([]);
    expect(out).toContain('inventory/x.yaml\\ninventory/ok.yaml:1:1');
  });

  it('escapes escape sequences, carriage returns and bidi overrides in messages', () => {
    const out = renderDiagnosticsText([{ severity: 'error', code: 'exec.exit-code', message: 'plugin said \u001b]0;pwned\u0007\u001b[2J\rok \u202eevil' }], c);
    expect(out).toBe(
      'error [exec.exit-code] plugin said \\e]0;pwned\\x07\\e[2J\\rok \\u202eevil\n'.replace('error [exec.exit-code] ', out.slice(0, out.indexOf('plugin'))),
    );
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
  });

  it('keeps line breaks and tabs in blocks, and leaves ordinary text as it is', () => {
    expect(inertBlock('a\tb\n+c\r\n\u001b[31mred')).toBe('a\tb\n+c\r\n\\e[31mred');
    expect(inert('plain text – ünïcode ✓')).toBe('plain text – ünïcode ✓');
  });
});
