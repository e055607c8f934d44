import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../../engine/report/plan-markdown.js';
import { renderPlanText } from '../../../engine/report/plan-text.js';
import type { Diagnostic } from '../../../engine/model/diagnostic.js';
import type { Plan } from '../../../engine/plan/types.js';
import { samplePlan } from './sample-plan.js';

const plain = pc.createColors(false);

describe('renderPlanText', () => {
  it('shows the summary, the waves, unmanaged, impact and policies with the deny first', () => {
    expect(renderPlanText(samplePlan(), { colors: plain })).toBe(
      [
        'plan (revision 0123456, targets: recorded)',
        '1 to create, 1 to update, 1 to delete, 1 unchanged, 1 unmanaged',
        '',
        'wave 1',
        '  ~ update database:shop/orders-db (recorded) inventory/db.yaml:4',
        '      @@ -3,1 +3,1 @@',
        '      -  version: "15"',
        '      +  version: "16"',
        '',
        'wave 2',
        '  + create application:shop/api (recorded) inventory/api.yaml:1',
        '',
        'wave 3',
        '  - delete host:shop/h2 (recorded)',
        '',
        'unmanaged (1, observed but not in Git — left alone):',
        '  ? host:shop/stray (recorded)',
        '',
        'impact: risk high (72/100), 2 CIs affected',
        '  business service businessservice:shop/checkout (critical): at-risk',
        '  down application:shop/orders via host:shop/h2 → application:shop/orders',
        '  at-risk businessservice:shop/checkout (would be degraded) via database:shop/orders-db → application:shop/orders → businessservice:shop/checkout',
        '',
        'policies: 1 denied, 1 warning',
        '  ✗ deny     no-tier1-delete host:shop/h2: deleting tier-1 h2 needs a change ticket',
        '  ! warn     change-window (plan): prod changes outside the window',
        '',
      ].join('\n'),
    );
  });

  it('a CI an error says could not be planned is counted "not planned", not "unchanged" (a hostile review)', () => {
    // host:shop/h1 is the sample's noop: as the API server's refusal of its dry run leaves it out of a plan
    const refused: Diagnostic[] = [
      { severity: 'error', code: 'kubernetes.forbidden', ci: 'host:shop/h1', message: 'forbidden: the API server refused to patch hosts' },
    ];
    const text = renderPlanText(samplePlan(), { colors: plain, diagnostics: refused });
    expect(text).toContain('1 to create, 1 to update, 1 to delete, 0 unchanged, 1 not planned (the error below), 1 unmanaged');
    const nothing = samplePlan();
    const onlyNoop = {
      ...nothing,
      changes: nothing.changes.filter((ch) => ch.action === 'noop'),
      summary: { ...nothing.summary, create: 0, update: 0, delete: 0 },
    } as Plan;
    expect(renderPlanText(onlyNoop, { colors: plain, diagnostics: refused }).split('\n')[1]).toBe(
      'no changes planned: 0 unchanged, 1 not planned (the error below), 1 unmanaged',
    );
    // a warning, or an error about another CI, changes nothing
    expect(renderPlanText(onlyNoop, { colors: plain, diagnostics: [{ ...refused[0]!, severity: 'warning' }] }).split('\n')[1]).toBe(
      'no changes: 1 unchanged, 1 unmanaged',
    );
  });

  it('colours creates green, deletes red and diff lines by sign', () => {
    const text = renderPlanText(samplePlan(), { colors: pc.createColors(true) });
    expect(text).toContain(`\x1b[32m+ create\x1b[39m`);
    expect(text).toContain(`\x1b[31m- delete\x1b[39m`);
    expect(text).toContain(`\x1b[32m+  version: "16"\x1b[39m`);
  });
});

describe('renderPlanMarkdown', () => {
  it('puts the policy results first when something denies', async () => {
    await expect(renderPlanMarkdown(samplePlan())).toMatchFileSnapshot('__golden__/plan-denied.md');
  });

  it('puts the impact first when nothing denies', () => {
    const md = renderPlanMarkdown(samplePlan({ denied: false }));
    expect(md.indexOf('### Impact')).toBeLessThan(md.indexOf('### Policy results'));
    expect(md).toContain('> Policies passed.');
  });

  it("a pull request's file names, ids and messages cannot write lines, HTML or code spans of their own into the comment", () => {
    const base = samplePlan();
    const forged = 'inventory/x`\n\n> Policies passed.\n<img src=x>|`.yaml';
    const md = renderPlanMarkdown({
      ...base,
      changes: base.changes.map((c) => ({
        ...c,
        file: forged,
        diff: c.diff && `${c.diff}+  owner: "admin\u202e \u2066// ok\u2069\u2066"\n+  note: "\u001b[2Jcleared"\n`,
      })),
      policy: { ...base.policy, results: base.policy.results.map((r) => ({ ...r, message: 'ok\n\n## ✅ allowed <details>|x', ci: r.ci && `${r.ci}\`|` })) },
      policyChanges: [{ change: 'added', kind: 'PolicyException', name: 'waive`all', namespace: 'shop', file: forged, line: 1 }],
    });
    const lines = md.split('\n');
    expect(lines).not.toContain('> Policies passed.');
    expect(lines.some((l) => l.startsWith('## ✅'))).toBe(false);
    expect(md).not.toContain('<details>|'); // in a code span `<img` is text; elsewhere it is escaped (below)
    expect(md).toContain("(`inventory/x'\\n\\n> Policies passed.\\n<img src=x>|'.yaml:1`)");
    expect(md).toContain('— inventory/x`\\n\\n&gt; Policies passed.\\n&lt;img src=x&gt;|`.yaml');
    expect(md).toContain('| ok  ## ✅ allowed &lt;details&gt;\\|x |');
    expect(md).toContain("`host:shop/h2'\\|`");
    expect(md).toContain('+  owner: "admin\\u202e \\u2066// ok\\u2069\\u2066"\n+  note: "\\e[2Jcleared"');
    expect(md).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u001b]/);
    // every table row still has its five cells
    for (const row of lines.filter((l) => l.startsWith('| ⛔') || l.startsWith('| ⚠️'))) expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
  });

  it('cuts one huge diff at a line so the other changes still fit', () => {
    const base = samplePlan({ denied: false });
    const huge = '+  line\n'.repeat(5000);
    const md = renderPlanMarkdown({ ...base, changes: [{ ...base.changes[0], diff: huge }, ...base.changes.slice(1)] });
    expect(md).toContain('… 4000 more diff lines (see -o json)');
    expect(md).toContain('<code>application:shop/api</code>');
  });

  it('stays under the limit and says what it left out', () => {
    const base = samplePlan({ denied: false });
    const big: Plan = {
      ...base,
      changes: Array.from({ length: 400 }, (_, i) => ({
        ...base.changes[0],
        id: `database:shop/db-${i}`,
        diff: `-  version: "15"\n+  version: "16"\n`.repeat(20),
      })),
    };
    const md = renderPlanMarkdown(big, { limit: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/Left out to stay under 20,000 characters: \d+ of 400 change diffs/);
    expect(md.split('<details>').length - 1).toBeGreaterThan(5);
  });
});
