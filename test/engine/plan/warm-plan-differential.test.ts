import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultContentCache, resetContentCache } from '../../../engine/cache/content-cache.js';
import { runPlan } from '../../../engine/plan/run-plan.js';
import { renderPlanJson } from '../../../engine/report/plan-json.js';
import { generateInventory } from '../../bench/generate.js';

const KEY = '00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210';
const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'plumb-warm-plan-'));
const root = join(dir, 'repo');
const cacheDir = join(dir, 'cache');

/** `plumb plan -o json` of the repository as one process gives it: with the content cache on (over `cacheDir`) or off. */
async function planJson(cache: 'on' | 'off'): Promise<{ json: string; diagnostics: unknown; hits: number }> {
  process.env.PLUMB_CACHE = cache;
  process.env.PLUMB_CACHE_DIR = cacheDir;
  process.env.PLUMB_CACHE_KEY = KEY;
  resetContentCache();
  const result = await runPlan({ repo: root, now: new Date(0) });
  expect(result.plan, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error'))).toBeDefined();
  const stats = defaultContentCache()?.stats;
  defaultContentCache()?.flush();
  return { json: renderPlanJson(result.plan!, result.diagnostics), diagnostics: result.diagnostics, hits: stats?.hits ?? 0 };
}

/** The warm plan (a second cached run) is byte for byte the uncached one; returns it. */
async function expectWarmEqualsUncached(): Promise<string> {
  await planJson('on');
  const warm = await planJson('on');
  const uncached = await planJson('off');
  expect(warm.hits).toBeGreaterThan(0);
  expect(warm.json).toBe(uncached.json);
  expect(warm.diagnostics).toEqual(uncached.diagnostics);
  return warm.json;
}

type Doc = { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string>; spec?: Record<string, unknown> };
const snapshotPath = () => join(root, 'observed', 'snapshot.json');
const readSnapshot = () => JSON.parse(readFileSync(snapshotPath(), 'utf8')) as { objects: Doc[] };
const updates = (json: string) =>
  (JSON.parse(json) as { changes: { id: string; action: string; diff?: string }[] }).changes.filter((c) => c.action === 'update');

/**
 * A warm plan's shortcuts (the graph index, the whole-repository validate
 * entry, kept diff texts: engine/diff/text-diff.ts) give the uncached plan's
 * JSON byte for byte, also right after each input they depend on changed:
 * the observed object, the desired document, plumb.yaml's ignoreDifferences,
 * a kind schema's secret fields and the policies.
 */
describe('warm plan against the uncached plan', () => {
  beforeAll(() => generateInventory(root, { cis: 600, drift: 0.1 }));
  afterEach(() => {
    process.env = { ...saved };
    resetContentCache();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('unchanged, then after each input changed', async () => {
    const first = await expectWarmEqualsUncached();
    const drifted = updates(first).find((c) => c.id.startsWith('configmap:'));
    expect(drifted?.diff).toContain('-  LOG_LEVEL: debug');

    // the observed object changed
    const snapshot = readSnapshot();
    const observed = snapshot.objects.find((o) => `configmap:${o.metadata.namespace}/${o.metadata.name}` === drifted!.id)!;
    observed.data!.LOG_LEVEL = 'trace';
    writeFileSync(snapshotPath(), JSON.stringify(snapshot));
    expect(await expectWarmEqualsUncached()).toContain('-  LOG_LEVEL: trace');

    // the desired document changed
    const name = drifted!.id.slice(drifted!.id.indexOf('/') + 1);
    const file = join(root, (JSON.parse(first) as { changes: { id: string; file: string }[] }).changes.find((c) => c.id === drifted!.id)!.file);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(`name: ${name}\n`);
    const value = text.indexOf('LOG_LEVEL: info', at);
    expect(at >= 0 && value > at).toBe(true);
    writeFileSync(file, text.slice(0, value) + 'LOG_LEVEL: warning' + text.slice(value + 'LOG_LEVEL: info'.length));
    expect(await expectWarmEqualsUncached()).toContain('+  LOG_LEVEL: warning');

    // plumb.yaml: the labels no longer compared (the diff text shows them no more; the objects still drift)
    const config = readFileSync(join(root, 'plumb.yaml'), 'utf8');
    writeFileSync(join(root, 'plumb.yaml'), `${config}ignoreDifferences:\n  - kind: ConfigMap\n    pointers: [/metadata/labels]\n`);
    const ignoring = await expectWarmEqualsUncached();
    expect(updates(ignoring).find((c) => c.id === drifted!.id)?.diff).not.toContain('labels:');

    // a kind schema: an Application's drifted spec.version becomes a secret field, shown as (sensitive)
    const app = readSnapshot();
    const application = app.objects.find((o) => o.kind === 'Application' && typeof o.spec?.version === 'string')!;
    application.spec!.version = '0.0.0-drifted';
    writeFileSync(snapshotPath(), JSON.stringify(app));
    const appId = `application:${application.metadata.namespace ?? 'default'}/${application.metadata.name}`;
    expect(updates(await expectWarmEqualsUncached()).find((c) => c.id === appId)?.diff).toContain('0.0.0-drifted');
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/Application.schema.json', import.meta.url), 'utf8'));
    schema.properties.spec.properties.version = { ...schema.properties.spec.properties.version, 'x-plumb-secret': true };
    mkdirSync(join(root, 'schemas'), { recursive: true });
    writeFileSync(join(root, 'schemas', 'Application.schema.json'), JSON.stringify(schema));
    const secret = updates(await expectWarmEqualsUncached()).find((c) => c.id === appId)?.diff;
    expect(secret).toContain('(sensitive)');
    expect(secret).not.toContain('0.0.0-drifted');

    // a policy
    mkdirSync(join(root, 'policies'), { recursive: true });
    writeFileSync(
      join(root, 'policies', 'replicas.yaml'),
      'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: few-updates}\nspec:\n  action: warn\n  severity: medium\n  scope: plan\n  validations:\n    - expression: "plan.summary.update < 5"\n      message: many updates\n',
    );
    await expectWarmEqualsUncached();
  }, 120_000);
});
