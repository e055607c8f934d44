import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, removeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { makeReviewRepo } from './review-repo.js';

const NOW = '2026-01-05T20:00:00Z';

// attack: a pull request that weakens the policy denying it (and adds an exception for itself)
// passed review with "all policies passed", because review judged it by its own policies
describe("plumb review gates on the base revision's policies", () => {
  let repo: ReturnType<typeof makeReviewRepo>;
  let weakened: string;
  const review = (...args: string[]) => runCli(['review', '--repo', repo.dir, '--base', repo.base, '--head', weakened, '--now', NOW, ...args]);

  beforeAll(() => {
    repo = makeReviewRepo();
    const policies = readFileSync(join(repo.dir, 'policies/change.yaml'), 'utf8');
    weakened = commit(
      repo.dir,
      {
        'policies/change.yaml': policies.replace('action: deny', 'action: audit'),
        'policies/exception.yaml': [
          'apiVersion: plumb.io/v1',
          'kind: PolicyException',
          'metadata: {name: let-me-through, namespace: shop}',
          'spec:',
          '  policies: [no-tier1-delete]',
          '  reason: trust me',
          '',
        ].join('\n'),
      },
      'weaken the policy that denies this pull request',
    );
  });
  afterAll(() => removeGitRepo(repo.dir));

  it('still denies, and lists the policy changes at the top of the text', async () => {
    const { code, stdout } = await review();
    expect(code).toBe(3);
    const lines = stdout.split('\n');
    expect(lines.slice(1, 4)).toEqual([
      "this pull request changes 2 policies or exceptions (the base's policies are the gate):",
      '  ~ changed Policy no-tier1-delete (policies/change.yaml:1)',
      '  + added   PolicyException shop/let-me-through (policies/exception.yaml:1)',
    ]);
    expect(stdout).toContain('policies of the base (the gate): 1 denied');
    expect(stdout).toContain('policies of the head (shown, not the gate): nothing denied');
  });

  it('says so in JSON, Markdown and SARIF too', async () => {
    const json = JSON.parse((await review('-o', 'json')).stdout);
    expect(json.policy.denied).toBe(true);
    expect(json.headPolicy.denied).toBe(false);
    expect(json.policyChanges.map((p: { change: string; name: string }) => `${p.change} ${p.name}`)).toEqual([
      'changed no-tier1-delete',
      'added let-me-through',
    ]);

    const markdown = (await review('-o', 'markdown')).stdout;
    expect(markdown.indexOf('This pull request changes 2 policies or exceptions')).toBeGreaterThan(0);
    expect(markdown.indexOf('This pull request changes 2')).toBeLessThan(markdown.indexOf('| create |'));
    expect(markdown).toContain('Denied by policy');

    const sarif = JSON.parse((await review('-o', 'sarif')).stdout);
    const results = sarif.runs[0].results as { ruleId: string; level: string }[];
    expect(results.slice(0, 2).map((r) => [r.ruleId, r.level])).toEqual([
      ['review.policy-change', 'warning'],
      ['review.policy-change', 'warning'],
    ]);
    expect(results.some((r) => r.ruleId === 'no-tier1-delete' && r.level === 'error')).toBe(true);
  });
});
