import { describe, expect, it } from 'vitest';
import { unifiedYamlDiff } from '../../../engine/diff/text-diff.js';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';
import { registerSecretValues } from '../../../engine/redact/scrubber.js';
import { renderFailureOutput } from '../../../engine/report/diagnostics-output.js';
import { yamlPanes } from '../../../tui/model/yaml-lines.js';

/**
 * YAML writes a string in forms of its own — `\a`, `\e`, `\L`, `\x7f` escapes
 * in double quotes, `''` in single quotes, one line per line in a block
 * scalar — that the output guard (raw, JSON-escaped and base64 forms) does not
 * know. Every YAML writer on an output path scrubs the value first.
 */
describe('known secrets in YAML output', () => {
  const BELL = 'Bq9-bell\u0007secret-9x';
  const ESC = 'Eq9\u001b[31mescaped\u2028Lsep';
  const LINES = 'first-secret-line-7q\nsecond-secret-line-7q\n';
  const QUOTE = "it's-a-secret: 'quoted'";
  registerSecretValues([BELL, ESC, LINES, QUOTE]);
  const pieces = ['Bq9', 'Eq9', 'escaped', 'first-secret-line', 'second-secret-line', "it''s-a-secret", 'a-secret'];
  const leaks = (text: string) => pieces.filter((p) => text.includes(p));
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n' },
    data: { bell: `x ${BELL} y`, esc: ESC, lines: LINES, quote: QUOTE },
  };

  it('a failure document in YAML (discover -o yaml) shows (sensitive) for each', () => {
    const diagnostics: Diagnostic[] = [
      { severity: 'error', code: 'kubernetes.unreachable', message: `the server said ${BELL} and ${ESC}`, hint: LINES, file: QUOTE },
    ];
    for (const format of ['yaml', 'json', 'text', 'markdown', 'sarif', 'dot', 'mermaid']) {
      const text = renderFailureOutput(format, { command: 'discover', diagnostics });
      expect(leaks(text), format).toEqual([]);
      expect(text, format).toContain('(sensitive)');
    }
  });

  it("a plan's YAML diff (create and update) shows (sensitive) for each", () => {
    const created = unifiedYamlDiff('configmap:n/c', undefined, object);
    const updated = unifiedYamlDiff('configmap:n/c', { ...object, data: { other: 'value' } }, object);
    for (const text of [created, updated]) {
      expect(leaks(text)).toEqual([]);
      expect(text).toContain('(sensitive)');
    }
  });

  it("the TUI's YAML panes show (sensitive) for each", () => {
    const panes = yamlPanes({ id: 'configmap:n/c', desired: object, observed: object, target: 't' } as never, {});
    const text = [...panes.desired.lines, ...panes.observed.lines].map((l) => l.text).join('\n');
    expect(leaks(text)).toEqual([]);
    expect(text).toContain('(sensitive)');
  });
});
