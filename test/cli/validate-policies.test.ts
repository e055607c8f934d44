import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The bundled example in a temp dir, with `edit` applied to one of its files. */
function example(file: string, edit: (text: string) => string): string {
  dir = mkdtempSync(join(tmpdir(), 'plumb-validate-policies-'));
  for (const part of ['plumb.yaml', 'inventory', 'apps', 'charts', 'policies', 'observed'])
    cpSync(join(PROJECT_ROOT, part), join(dir, part), { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const NOW = ['--now', '2026-11-20T10:00:00Z'];

describe('plumb validate evaluates inventory-scope policies', () => {
  it('exits 0 on the bundled example, reporting the audit findings', async () => {
    const r = await runCli(['validate', '-o', 'json', ...NOW]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.policy.denied).toBe(false);
    expect(new Set(out.policy.results.map((p: { policy: string; action: string }) => `${p.policy} ${p.action}`))).toEqual(
      new Set(['image-pinned-by-digest audit']),
    );
  });

  it('exits 3 when a deny policy is violated, naming the CI and its file and line, in text, JSON and SARIF', async () => {
    const repo = example('inventory/data.yaml', (t) => t.replace('  owner: group:default/team-dba\n', ''));
    const text = await runCli(['validate', '--repo', repo, ...NOW]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/✗ deny\s+prod-owner database:shop\/orders-db: Database orders-db is labelled env=prod but has no owner/);

    const json = await runCli(['validate', '--repo', repo, '-o', 'json', ...NOW]);
    expect(json.code).toBe(3);
    const denied = JSON.parse(json.stdout).policy.results.filter((p: { action: string }) => p.action === 'deny');
    expect(denied.map((p: { policy: string; ci: string; file: string; line: number }) => [p.policy, p.ci, p.file, p.line])).toEqual([
      ['prod-owner', 'database:shop/orders-db', 'inventory/data.yaml', 3],
    ]);

    const sarif = await runCli(['validate', '--repo', repo, '-o', 'sarif', ...NOW]);
    expect(sarif.code).toBe(3);
    const log = JSON.parse(sarif.stdout);
    expect(sarifErrors(log)).toEqual([]);
    const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'prod-owner');
    expect([result.level, result.locations[0].physicalLocation.artifactLocation.uri, result.locations[0].physicalLocation.region.startLine]).toEqual([
      'warning',
      'inventory/data.yaml',
      3,
    ]); // prod-owner is severity medium
  });

  it("exits 1 on a policy whose expression does not compile, at the expression's line", async () => {
    const repo = example('policies/inventory.yaml', (t) => t.replace('has(object.metadata.owner) || relations', 'has(object.metadata.owner) ||| relations'));
    const r = await runCli(['validate', '--repo', repo, '-o', 'json', ...NOW]);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout).diagnostics.find((x: { code: string }) => x.code === 'policy.cel-compile');
    expect([d.file, d.line]).toEqual(['policies/inventory.yaml', 17]);
  });
});
