import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { diffObject } from '../../../engine/diff/diff-object.js';
import { lazyCreateText, unifiedYamlDiff } from '../../../engine/diff/text-diff.js';
import { lazyPending } from '../../../engine/model/lazy-property.js';
import { buildPlan } from '../../../engine/plan/build-plan.js';
import { planHash } from '../../../engine/plan/assemble-plan.js';
import { fromPlanFile, toPlanFile } from '../../../engine/plan/plan-file.js';
import { renderPlanText } from '../../../engine/report/plan-text.js';
import { inertDeep } from '../../../engine/report/inert.js';
import { createColors } from 'picocolors';
import { ci, graphOf } from '../plan/fixtures.js';

/**
 * A create's diff text is the whole object as YAML: rendered only when read
 * (plan -o json, markdown), never by what apply does with a plan — its hash,
 * its file form, the terminal's plan (which shows no create's diff).
 */
describe("a create's diff text", () => {
  const api = ci('application:shop/api', { replicas: 2, image: 'registry.example.com/api:1.0.0' }, [], 'inventory/api.yaml', 1);
  const db = ci('database:shop/db', { engine: 'postgres' }, [], 'inventory/db.yaml', 1);
  const repo = { revision: 'c'.repeat(40), schemas: new Map(), config: DEFAULT_CONFIG };
  const plan = () =>
    buildPlan({
      repo,
      graph: graphOf([api, db]),
      now: new Date('2026-03-01T10:00:00Z'),
      targets: [{ name: 'rec', provider: 'snapshot', desired: [api, db], observed: [] }],
    }).plan;

  it('is the text the diff would have rendered, read as a plain value', () => {
    const diff = diffObject(api.object, undefined, { id: api.id });
    expect(lazyPending(diff, 'text')).toBe(true);
    expect(lazyCreateText(diff, 'text')?.desired).toBe((diff.patch[0] as { value: unknown }).value);
    expect(diff.text).toBe(unifiedYamlDiff(api.id, undefined, api.object));
    expect(lazyPending(diff, 'text')).toBe(false);
    expect(JSON.parse(JSON.stringify(diff)).text).toBe(diff.text);
  });

  it('is not rendered by the plan hash, the plan file, inert copies or the terminal plan, and is whole in JSON', () => {
    const p = plan();
    expect(p.changes.map((c) => c.action)).toEqual(['create', 'create']);
    planHash(p);
    const file = toPlanFile(p);
    const shown = renderPlanText(p, { colors: createColors(false) });
    const copy = inertDeep(p);
    expect(p.changes.every((c) => lazyPending(c, 'diff'))).toBe(true);
    expect(copy.changes.every((c) => lazyPending(c, 'diff'))).toBe(true);
    expect(shown).toContain('application:shop/api');
    // the file says diffFrom: desired, as it did when the text was rendered up front
    expect(file.changes.map((c) => (c as { diffFrom?: string }).diffFrom)).toEqual(['desired', 'desired']);
    const read = fromPlanFile(JSON.parse(JSON.stringify(file)));
    const json = JSON.parse(JSON.stringify(p));
    expect(json.changes.map((c: { diff: string }) => c.diff)).toEqual([
      unifiedYamlDiff(api.id, undefined, p.changes.find((c) => c.id === api.id)!.desired),
      unifiedYamlDiff(db.id, undefined, p.changes.find((c) => c.id === db.id)!.desired),
    ]);
    expect(read.changes.map((c) => c.diff)).toEqual(json.changes.map((c: { diff: string }) => c.diff));
    expect(copy.changes.map((c) => c.diff)).toEqual(json.changes.map((c: { diff: string }) => c.diff));
  });

  it('hashes a plan the same whether the text was rendered yet or not', () => {
    const lazy = plan();
    const rendered = plan();
    for (const c of rendered.changes) void c.diff;
    expect(planHash(lazy)).toBe(planHash(rendered));
    expect(planHash(lazy)).toBe(lazy.hash);
  });
});
