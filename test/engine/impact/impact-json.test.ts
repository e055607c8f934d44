import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toImpactJson } from '../../../engine/impact/impact-json.js';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { graphOf } from './graph-fixture.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/impact-output.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);
const graph = graphOf(['app:x/api dependsOn database:x/db', 'businessservice:x/shop dependsOn app:x/api', 'app:x/web consumesApi app:x/api'], {
  'businessservice:x/shop': { spec: { criticality: 'critical' } },
});

describe('impact JSON', () => {
  it.each(['down', 'delete', 'change'] as const)('the %s output conforms to schemas/impact-output.schema.json', (event) => {
    const json = JSON.parse(JSON.stringify(toImpactJson(simulateImpact(graph, { sources: ['database:x/db'], event }))));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
  });

  it('keeps exactly the documented fields, in order, and wouldBe only for change', () => {
    const down = toImpactJson({ ...simulateImpact(graph, { sources: ['database:x/db'], event: 'down' }), extra: 1 } as never);
    const change = toImpactJson(simulateImpact(graph, { sources: ['database:x/db'], event: 'change' }));
    expect([Object.keys(down), Object.keys(down.affected[0]), Object.keys(change.affected[0])]).toEqual([
      ['sources', 'event', 'affected', 'businessServices', 'risk'],
      ['id', 'state', 'depth', 'path'],
      ['id', 'state', 'depth', 'path', 'wouldBe'],
    ]);
  });

  it('the schema rejects what the contract does not allow', () => {
    const good = JSON.parse(JSON.stringify(toImpactJson(simulateImpact(graph, { sources: ['database:x/db'], event: 'down' }))));
    const bad = [
      { ...good, sources: [] },
      { ...good, event: 'explode' },
      { ...good, affected: [{ ...good.affected[0], state: 'operational' }] },
      { ...good, affected: [{ ...good.affected[0], depth: 0 }] },
      { ...good, risk: { score: 101, level: 'critical' } },
      { ...good, surprise: true },
    ];
    expect(bad.map((b) => validate(b))).toEqual([false, false, false, false, false, false]);
  });
});
