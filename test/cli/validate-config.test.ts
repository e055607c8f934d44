import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it('plumb validate reports a credential written into plumb.yaml at its line, without ever printing it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-config-secret-'));
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(join(dir, 'plumb.yaml'), 'notifications:\n  itsm:\n    url: https://itsm.example.com/hooks\n    secret: hunter2-do-not-print\n');
  writeFileSync(join(dir, 'inventory', 'team.yaml'), 'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: team}\nspec: {}\n');
  const lineShown = { text: 'plumb.yaml:4:13', json: '"line": 4', sarif: '"startLine": 4' };
  for (const [format, line] of Object.entries(lineShown)) {
    const r = await runCli(['validate', '--repo', dir, '-o', format]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('config.inline-secret');
    expect(r.stdout + r.stderr).toContain(line);
    expect(r.stdout + r.stderr).not.toContain('hunter2-do-not-print');
  }
});
