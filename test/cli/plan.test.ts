import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { planHash } from '../../engine/plan/assemble-plan.js';
import { makeGitRepo, removeGitRepo, writeFiles } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { fixtureTree, makeReviewRepo } from './review-repo.js';

const NOW = '2026-01-05T20:00:00Z';

function schemaErrors(value: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(planSchema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('plumb plan against a recorded snapshot', () => {
  let repo: ReturnType<typeof makeReviewRepo>;
  const plan = (...args: string[]) => runCli(['plan', '--repo', repo.dir, '--now', NOW, ...args]);

  beforeAll(() => {
    repo = makeReviewRepo();
  });
  afterAll(() => removeGitRepo(repo.dir));

  it('shows creates, updates, deletes, unmanaged objects, impact and warnings as text, and exits 0', async () => {
    const { code, stdout, stderr } = await plan('--rev', repo.base);
    expect(stderr).toBe('');
    await expect(stdout).toMatchFileSnapshot('__golden__/plan.txt');
    expect(code).toBe(0);
  });

  it('writes the plan artifact as JSON, valid against its schema, with a hash that checks', async () => {
    const { code, stdout } = await plan('--rev', repo.base, '-o', 'json');
    const artifact = JSON.parse(stdout);
    expect(schemaErrors(artifact)).toEqual([]);
    expect(planHash(artifact)).toBe(artifact.hash);
    expect(artifact.createdAt).toBe('2026-01-05T20:00:00.000Z');
    await expect(stdout).toMatchFileSnapshot('__golden__/plan.json');
    expect(code).toBe(0);
  });

  it('writes the same artifact with --out, atomically, beside the normal output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-plan-out-'));
    try {
      const out = join(dir, 'plan.json');
      const [{ stdout: json }, { code }] = [await plan('--rev', repo.base, '-o', 'json'), await plan('--rev', repo.base, '--out', out)];
      // -o json appends the diagnostics reported beside the plan (not covered by its hash); --out is the plan alone
      const { diagnostics, ...artifact } = JSON.parse(json);
      expect(diagnostics).toEqual([]);
      expect(readFileSync(out, 'utf8')).toBe(JSON.stringify(artifact, null, 2) + '\n');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a Markdown comment', async () => {
    const { code, stdout } = await plan('--rev', repo.base, '-o', 'markdown');
    await expect(stdout).toMatchFileSnapshot('__golden__/plan.md');
    expect(code).toBe(0);
  });

  it('writes valid SARIF 2.1.0', async () => {
    const { code, stdout } = await plan('--rev', repo.base, '-o', 'sarif');
    expect(sarifErrors(JSON.parse(stdout))).toEqual([]);
    expect(code).toBe(0);
  });

  it('exits 2 with --detailed-exitcode when there are changes', async () => {
    expect((await plan('--rev', repo.base, '--detailed-exitcode')).code).toBe(2);
  });

  it('exits 3 when a policy denies: the head deletes a tier-1 database plumb created', async () => {
    const { code, stdout } = await plan('-o', 'json');
    const artifact = JSON.parse(stdout);
    expect(artifact.changes.filter((c: { action: string }) => c.action === 'delete').map((c: { id: string }) => c.id)).toEqual([
      'database:shop/legacy-db',
      'host:shop/old-host',
    ]);
    expect(artifact.policy.results.filter((r: { action: string }) => r.action === 'deny')).toEqual([
      {
        policy: 'no-tier1-delete',
        ci: 'database:shop/legacy-db',
        action: 'deny',
        severity: 'critical',
        outcome: 'violated',
        message: 'deleting tier-1 legacy-db needs a change ticket',
      },
    ]);
    expect(code).toBe(3);
  });
});

describe('plumb plan on bad input', () => {
  it('exits 1 with the diagnostics at file:line:column when the inventory is invalid', async () => {
    const dir = makeGitRepo(fixtureTree('review-pr'));
    try {
      writeFiles(dir, {
        'inventory/broken.yaml':
          'apiVersion: plumb.io/v1\nkind: Application\nmetadata:\n  name: broken\n  namespace: shop\nrelations:\n  - {type: dependsOn, target: database:nowhere}\n',
      });
      const { code, stdout, stderr } = await runCli(['plan', '--repo', dir]);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^inventory\/broken\.yaml:7:\d+: error \[[a-z.-]+\]/m);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(code).toBe(1);
    } finally {
      removeGitRepo(dir);
    }
  });

  it('exits 1 with a hint when plumb.yaml has no targets', async () => {
    const dir = makeGitRepo({ ...fixtureTree('review-pr'), 'plumb.yaml': 'sync: {policy: manual, selfHeal: false, prune: false}\n' });
    try {
      const { code, stderr } = await runCli(['plan', '--repo', dir]);
      expect(stderr).toMatch(/^error: plumb\.yaml declares no targets/m);
      expect(stderr).toMatch(/hint: add one under `targets:`/);
      expect(code).toBe(1);
    } finally {
      removeGitRepo(dir);
    }
  });

  it('exits 1 for an unknown --target, naming the known ones', async () => {
    const dir = makeGitRepo(fixtureTree('review-pr'));
    try {
      const { code, stderr } = await runCli(['plan', '--repo', dir, '--target', 'nope']);
      expect(stderr).toMatch(/no target named nope/);
      expect(stderr).toMatch(/known targets: recorded/);
      expect(code).toBe(1);
    } finally {
      removeGitRepo(dir);
    }
  });
});
