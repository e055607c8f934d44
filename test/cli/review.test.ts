import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import { removeGitRepo, writeFiles } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { makeReviewRepo, SEARCH_APP } from './review-repo.js';

const NOW = '2026-01-05T20:00:00Z'; // a Monday evening: outside the change window

function validatePlan(value: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(planSchema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('plumb review of a pull request that adds, changes, renames and deletes CIs', () => {
  let repo: ReturnType<typeof makeReviewRepo>;
  const review = (...args: string[]) => runCli(['review', '--repo', repo.dir, '--base', repo.base, '--now', NOW, ...args]);

  beforeAll(() => {
    repo = makeReviewRepo();
  });
  afterAll(() => removeGitRepo(repo.dir));

  it('shows the changes, their impact and the denial as text, and exits 3', async () => {
    const { code, stdout, stderr } = await review();
    expect(stderr).toBe('');
    await expect(stdout).toMatchFileSnapshot('__golden__/review.txt');
    expect(code).toBe(3);
  });

  it('writes the plan artifact as JSON, valid against schemas/plan.schema.json', async () => {
    const { code, stdout } = await review('-o', 'json');
    const plan = JSON.parse(stdout);
    expect(validatePlan(plan)).toEqual([]);
    expect(plan.changes.map((c: { action: string; id: string; wave: number }) => `${c.wave} ${c.action} ${c.id}`)).toEqual([
      '1 update database:shop/orders-db',
      '2 create application:shop/search', // it dependsOn orders-db
      '3 delete application:shop/reports', // it depended on legacy-db: deleted first
      '4 delete database:shop/legacy-db',
      '0 noop application:shop/orders-api',
    ]);
    expect(plan.base).toBe(repo.base);
    expect(plan.revision).toBe(repo.head);
    await expect(stdout).toMatchFileSnapshot('__golden__/review.json');
    expect(code).toBe(3);
  });

  it('writes a pull-request comment in Markdown with the denial first', async () => {
    const { code, stdout } = await review('-o', 'markdown');
    expect(stdout.indexOf('### Policy results')).toBeLessThan(stdout.indexOf('### Impact'));
    await expect(stdout).toMatchFileSnapshot('__golden__/review.md');
    expect(code).toBe(3);
  });

  it('writes SARIF 2.1.0 with the policy results on the changed files', async () => {
    const { code, stdout } = await review('-o', 'sarif');
    const log = JSON.parse(stdout);
    expect(sarifErrors(log)).toEqual([]);
    const located = log.runs[0].results.map(
      (r: { ruleId: string; level: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }) => [
        r.ruleId,
        r.level,
        r.locations?.[0]?.physicalLocation.artifactLocation.uri,
        r.locations?.[0]?.physicalLocation.region?.startLine,
      ],
    );
    expect(located).toContainEqual(['no-tier1-delete', 'error', 'inventory/data.yaml', 14]);
    expect(located).toContainEqual(['change-window', 'warning', 'inventory/search.yaml', 1]);
    expect(code).toBe(3);
  });

  it('never shows a secret value in any format', async () => {
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const { stdout } = await review('-o', format);
      expect(stdout).not.toMatch(/s3cr3t/);
    }
  });

  it('treats a renamed file with the same CIs as no change, and exits 0', async () => {
    const { code, stdout } = await runCli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.renamed, '--now', NOW, '-o', 'json']);
    const plan = JSON.parse(stdout);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, noop: 1, unmanaged: 0 });
    expect(code).toBe(0);
  });

  it('exits 2 with --detailed-exitcode when there are changes and nothing denies, 0 without it', async () => {
    const detailed = await runCli(['review', '--repo', repo.dir, '--base', repo.base, '--head', 'add-only', '--now', NOW, '--detailed-exitcode']);
    expect(detailed.code).toBe(2);
    const plain = await runCli(['review', '--repo', repo.dir, '--base', repo.base, '--head', repo.addOnly, '--now', NOW]);
    expect(plain.stdout).toMatch(/^1 to create, 0 to update, 0 to delete/m);
    expect(plain.code).toBe(0);
  });

  it('reviews uncommitted files with --head worktree', async () => {
    writeFiles(repo.dir, { 'inventory/search.yaml': SEARCH_APP.replace('2.0.0', '2.1.0') });
    try {
      const { stdout } = await runCli(['review', '--repo', repo.dir, '--base', 'HEAD', '--head', 'worktree', '--now', NOW, '-o', 'json']);
      const plan = JSON.parse(stdout);
      expect(plan.revision).toBe('worktree');
      expect(plan.changes.map((c: { action: string; id: string; paths: string[] }) => [c.action, c.id, c.paths])).toEqual([
        ['update', 'application:shop/search', ['/spec/version']],
      ]);
    } finally {
      writeFiles(repo.dir, { 'inventory/search.yaml': SEARCH_APP });
    }
  });

  it('adds the drift of the changed CIs with --target', async () => {
    const { stdout } = await review('-o', 'json', '--target', 'recorded');
    const plan = JSON.parse(stdout);
    expect(plan.drift.changes.map((c: { action: string; id: string }) => `${c.action} ${c.id}`)).toEqual([
      'update database:shop/orders-db',
      'create application:shop/search',
    ]);
    expect(plan.drift.unmanaged).toEqual([]);
  });

  it('exits 1 with a hint for a base that does not exist, without a stack trace', async () => {
    const { code, stderr } = await runCli(['review', '--repo', repo.dir, '--base', 'no-such-branch']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*no-such-branch/m);
    expect(stderr).toMatch(/hint: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
