import { describe, expect, it } from 'vitest';
import { createFakeProvider } from '../../../../engine/providers/fake/fake-provider.js';
import { change, signal } from '../make-ci.js';

const obj = (name: string) => ({ id: `configmap:default/${name}`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } });

describe('fake provider', () => {
  it('fails the apply of named ids and of the Nth call, and records every call', async () => {
    const p = createFakeProvider({ observed: [obj('a')], faults: { failApplyIds: ['configmap:default/b'], failApplyOnCall: 3 } });
    const apply = (id: string) => p.apply!({ change: change(id, 'update'), desired: obj(id.split('/')[1]).object, dryRun: false }, signal());
    expect((await apply('configmap:default/a')).ok).toBe(true);
    expect((await apply('configmap:default/b')).diagnostics.map((d) => d.code)).toEqual(['fake.apply-failed']);
    expect((await apply('configmap:default/c')).ok).toBe(false);
    expect((await apply('configmap:default/c')).ok).toBe(true);
    expect(p.calls.map((c) => c.operation)).toEqual(['apply', 'apply', 'apply', 'apply']);
  });

  it('restores its state exactly from a backup', async () => {
    const p = createFakeProvider({ observed: [obj('a')] });
    const ids = ['configmap:default/a', 'configmap:default/b'];
    const before = structuredClone([...p.state.entries()]);
    const { artifacts } = await p.backup!({ ids }, signal());
    await p.apply!({ change: change(ids[0], 'delete'), dryRun: false }, signal());
    await p.apply!({ change: change(ids[1], 'create'), desired: obj('b').object, dryRun: false }, signal());
    expect([...p.state.keys()]).toEqual([ids[1]]);
    await p.restore!({ artifacts, dryRun: false }, signal());
    expect([...p.state.entries()]).toEqual(before);
  });

  it('reports injected health failures, and a hanging health check ends on abort', async () => {
    const p = createFakeProvider({ faults: { unhealthyIds: ['x'] } });
    expect((await p.health!({ ids: ['x', 'y'], timeoutMs: 10 }, signal())).results).toEqual([
      { id: 'x', healthy: false, message: 'injected health failure' },
      { id: 'y', healthy: true },
    ]);
    p.faults = { healthHangs: true };
    await expect(p.health!({ ids: ['x'], timeoutMs: 10 }, AbortSignal.timeout(50))).rejects.toThrow();
  });
});
