import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { makeGitRepo } from '../helpers/git-repo.js';
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

it('plumb validate compiles health.checks CEL as apply would: a bad expression is an error at its plumb.yaml line, also under --rev', async () => {
  const group = 'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: team}\nspec: {}\n';
  const config = [
    'health:',
    '  checks:',
    '    - apiVersion: cert-manager.io/v1',
    '      kind: Certificate',
    "      current: \"status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')\"",
    '      failed: "status.conditions.exists(c, c.type == ))"',
    '    - apiVersion: argoproj.io/v1alpha1',
    '      kind: Rollout',
    '      current: "stauts.phase == \'Healthy\'"',
    '',
  ].join('\n');
  dir = makeGitRepo({ 'plumb.yaml': config, 'inventory/team.yaml': group });
  for (const extra of [[], ['--rev', 'HEAD']]) {
    const r = await runCli(['validate', '--repo', dir, ...extra, '-o', 'json']);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout).diagnostics as Array<{ code: string; file: string; line: number; column: number; message: string; hint: string }>).map(
      (d) => [d.code, d.file, d.line, d.column, d.message.split(' is not valid CEL')[0], d.hint],
    );
    expect(found).toEqual([
      [
        'config.invalid',
        'plumb.yaml',
        6,
        15,
        'health.checks[0].failed (cert-manager.io/v1 Certificate)',
        expect.stringContaining('the variables are apiVersion, kind, metadata, spec, status, data, object'),
      ],
      ['config.invalid', 'plumb.yaml', 9, 16, 'health.checks[1].current (argoproj.io/v1alpha1 Rollout)', expect.stringContaining("did you mean 'status'?")],
    ]);
  }
  const text = await runCli(['validate', '--repo', dir]);
  expect(text.stdout + text.stderr).toContain('plumb.yaml:6:15');

  // fixed expressions validate clean
  writeFileSync(join(dir, 'plumb.yaml'), config.replace('c.type == ))', "c.type == 'Ready' && c.status == 'False')").replace('stauts', 'status'));
  const fixed = await runCli(['validate', '--repo', dir]);
  expect([fixed.code, fixed.stderr]).toEqual([0, '']);
});
