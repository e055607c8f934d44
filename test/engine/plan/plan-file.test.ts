import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlanFile } from '../../../engine/apply/read-plan-file.js';
import { canonicalSha256 } from '../../../engine/model/canonical-json.js';
import { runPlan } from '../../../engine/plan/run-plan.js';
import type { Plan } from '../../../engine/plan/types.js';
import { renderPlanJson } from '../../../engine/report/plan-json.js';
import { fromPlanFile, toPlanFile, type PlanFile } from '../../../engine/plan/plan-file.js';
import { unifiedYamlDiff } from '../../../engine/diff/text-diff.js';
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import { generateOperatorBundle } from '../../bench/generate.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * Plan files write each object once (version 2): a create's patch and diff
 * that only repeat its desired object are `patchFrom`/`diffFrom: "desired"`.
 * The input is a kube-prometheus-shaped bundle: CRDs in cert-manager's shape
 * of 40-700 KB, a large dashboards ConfigMap, 130 objects, all creates.
 */
describe('plan files: each object once', () => {
  let root: string;
  let plan: Plan;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'plumb-plan-file-'));
    // a fifth of kube-prometheus's sizes: the shape matters here, the full size is the bench's (test/bench/plan-size.ts)
    generateOperatorBundle(root, { scale: 0.2 });
    const result = await runPlan({ repo: root, now: new Date('2026-11-20T12:00:00Z') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    plan = result.plan!;
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is about the size of the desired objects, not three times it', () => {
    expect(plan.summary.create).toBe(130);
    const json = renderPlanJson(plan);
    const file = JSON.parse(json);
    const objects = plan.changes.reduce((n, c) => n + JSON.stringify(c.desired).length, 0);
    // without indentation: at most the objects themselves plus 2 KB per change for its id, wave, impact…
    expect(JSON.stringify(file).length).toBeLessThan(objects + plan.changes.length * 2048);
    // what version 1 wrote (patch, diff and desired, each whole) was well over twice as large
    expect(JSON.stringify(plan, null, 2).length).toBeGreaterThan(2.5 * json.length);
    expect(file.version).toBe(2);
    const crd = file.changes.find((c: { id: string }) => c.id.startsWith('customresourcedefinition:'));
    expect(crd).toMatchObject({ action: 'create', patchFrom: 'desired', diffFrom: 'desired' });
    expect(crd).not.toHaveProperty('patch');
    expect(crd).not.toHaveProperty('diff');
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    expect(ajv.validate(planSchema, file), JSON.stringify(ajv.errors?.slice(0, 3))).toBe(true);
  });

  it('reads back as the plan that was written: patch and diff restored, hash verified over the written form', async () => {
    const path = join(root, 'plan.json');
    writeFileSync(path, renderPlanJson(plan));
    const read = await readPlanFile(path);
    expect(read).toEqual(JSON.parse(JSON.stringify(plan)));
    const crd = read.changes.find((c) => c.id.startsWith('customresourcedefinition:'))!;
    expect(crd.patch).toEqual([{ op: 'add', path: '', value: crd.desired }]);
    expect(crd.diff).toMatch(/^--- observed\/customresourcedefinition:/);
    const { hash, ...rest } = JSON.parse(readFileSync(path, 'utf8'));
    expect(canonicalSha256(rest)).toBe(hash);
  });

  it('refuses a file whose desired object was edited, and an unknown patchFrom', async () => {
    const file = JSON.parse(renderPlanJson(plan));
    const edited = structuredClone(file);
    edited.changes[0].desired.metadata.labels = { edited: 'yes' };
    writeFileSync(join(root, 'edited.json'), JSON.stringify(edited));
    await expect(readPlanFile(join(root, 'edited.json'))).rejects.toMatchObject({ code: 'plan.modified' });
    const unknown = structuredClone(file);
    unknown.changes[0].patchFrom = 'observed';
    writeFileSync(join(root, 'unknown.json'), JSON.stringify(unknown));
    await expect(readPlanFile(join(root, 'unknown.json'))).rejects.toMatchObject({ code: 'plan.invalid' });
  });

  it('still reads a version 1 file (every object whole, hashed so)', async () => {
    const { hash: _h, ...v1 } = { ...JSON.parse(JSON.stringify(plan)), version: 1 };
    writeFileSync(join(root, 'v1.json'), JSON.stringify({ ...v1, hash: canonicalSha256(v1) }));
    const read = await readPlanFile(join(root, 'v1.json'));
    expect(read.changes).toEqual(JSON.parse(JSON.stringify(plan.changes)));
  });

  it('plumb plan --out then plumb apply plan.json applies it', async () => {
    const out = join(root, 'saved.json');
    const planned = await runCli(['plan', '--repo', root, '--out', out]);
    expect(planned.code, planned.stderr).toBe(0);
    const applied = await runCli(['apply', out, '--repo', root, '--auto-approve', '--no-wait', '-o', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    const again = await runCli(['plan', '--repo', root, '-o', 'json']);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0, noop: 130 });
  }, 180_000);

  it('writes a patch that leaves out uncompared fields (relations) as patchFrom with patchWithout, and restores it', () => {
    const desired = {
      apiVersion: 'plumb.io/v1',
      kind: 'Host',
      metadata: { name: 'h', annotations: { 'a~b/c': 'x' } },
      relations: [{ type: 'runsOn', target: 'host:x' }],
    };
    const value = { apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: 'h' } };
    const change = {
      id: 'host:default/h',
      action: 'create' as const,
      wave: 1,
      patch: [{ op: 'add' as const, path: '', value }],
      diff: unifiedYamlDiff('host:default/h', undefined, value),
      provider: 'snapshot',
      target: 't',
      paths: [''],
      desired,
    };
    const written = (toPlanFile({ ...plan, changes: [change], drift: undefined }) as PlanFile).changes[0];
    expect(written).toMatchObject({ patchFrom: 'desired', patchWithout: ['/metadata/annotations', '/relations'], diffFrom: 'desired' });
    expect(written).not.toHaveProperty('patch');
    const read = fromPlanFile(JSON.parse(JSON.stringify({ ...plan, changes: [written] }))).changes[0];
    expect(read).toEqual(change);
    // a value that differs otherwise is written whole
    const other = { ...change, patch: [{ op: 'add' as const, path: '', value: { ...value, kind: 'Other' } }] };
    expect((toPlanFile({ ...plan, changes: [other] }) as PlanFile).changes[0]).toHaveProperty('patch');
  });
});
