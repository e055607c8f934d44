import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/diff/diff-object.js';
import { declaredView } from '../../../engine/diff/declared-view.js';
import { ignorePointersFor } from '../../../engine/diff/ignore-pointers.js';
import { secretPointersOf } from '../../../engine/redact/secret-pointers.js';

const deployment = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { replicas: 2, template: { spec: { containers } } },
  ...extra,
});

describe('diffObject', () => {
  it('does not count fields only the observed side has (defaults, status) as drift', () => {
    const desired = deployment([{ name: 'web', image: 'api:1' }]);
    const observed = {
      ...deployment([{ name: 'web', image: 'api:1', imagePullPolicy: 'IfNotPresent', resources: {} }]),
      metadata: { name: 'api', namespace: 'shop', uid: 'x-1', resourceVersion: '42' },
      status: { readyReplicas: 2 },
    };
    expect(diffObject(desired, observed)).toEqual({ changed: false, patch: [], paths: [], text: '' });
  });

  it('does not count a reordered name-keyed list as drift', () => {
    const desired = deployment([
      { name: 'web', image: 'api:1' },
      { name: 'sidecar', image: 'envoy:1' },
    ]);
    const observed = deployment([
      { name: 'sidecar', image: 'envoy:1' },
      { name: 'web', image: 'api:1' },
    ]);
    expect(diffObject(desired, observed).changed).toBe(false);
  });

  it('patches a name-keyed entry at its observed index and names it in paths', () => {
    const desired = deployment([
      { name: 'web', image: 'api:2' },
      { name: 'sidecar', image: 'envoy:1' },
    ]);
    const observed = deployment([
      { name: 'sidecar', image: 'envoy:1' },
      { name: 'web', image: 'api:1' },
    ]);
    const d = diffObject(desired, observed, { id: 'deployment:shop/api' });
    expect({ patch: d.patch, paths: d.paths }).toEqual({
      patch: [{ op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'api:2' }],
      paths: ['/spec/template/spec/containers/web/image'],
    });
    expect(d.text).toBe(
      [
        '--- observed/deployment:shop/api',
        '+++ desired/deployment:shop/api',
        '@@ -9,6 +9,6 @@',
        '     spec:',
        '       containers:',
        '         - name: web',
        '-          image: api:1',
        '+          image: api:2',
        '         - name: sidecar',
        '           image: envoy:1',
        '',
      ].join('\n'),
    );
  });

  it('removes observed-only entries of a name-keyed list from the highest index down, then appends new ones', () => {
    const desired = deployment([
      { name: 'b', image: 'b' },
      { name: 'd', image: 'd' },
    ]);
    const observed = deployment([
      { name: 'a', image: 'a' },
      { name: 'b', image: 'b' },
      { name: 'c', image: 'c' },
    ]);
    const d = diffObject(desired, observed);
    expect(d.patch).toEqual([
      { op: 'remove', path: '/spec/template/spec/containers/2' },
      { op: 'remove', path: '/spec/template/spec/containers/0' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'd', image: 'd' } },
    ]);
    const after = jsonpatch.applyPatch(structuredClone(observed), d.patch as jsonpatch.Operation[], false, false).newDocument;
    expect(after.spec.template.spec.containers).toEqual([
      { name: 'b', image: 'b' },
      { name: 'd', image: 'd' },
    ]);
  });

  it('skips ignoreDifferences pointers, including list entries addressed by name', () => {
    const desired = deployment([{ name: 'web', image: 'api:1' }]);
    const observed = {
      ...deployment([
        { name: 'web', image: 'api:1' },
        { name: 'istio-proxy', image: 'istio' },
      ]),
    };
    (observed.spec as { replicas: number }).replicas = 5;
    const ci = { kind: 'Deployment', namespace: 'shop', name: 'api', labels: {} };
    const ignorePointers = ignorePointersFor(ci, [
      { kind: 'deployment', pointers: ['/spec/replicas', '/spec/template/spec/containers/istio-proxy'] },
      { kind: 'Service', pointers: ['/spec'] },
    ]);
    expect(diffObject(desired, observed, { ignorePointers })).toEqual({ changed: false, patch: [], paths: [], text: '' });
    expect(diffObject(desired, observed).paths).toEqual(['/spec/replicas', '/spec/template/spec/containers/istio-proxy']);
  });

  it('never compares the CMDB-only fields relations, source and owner', () => {
    const desired = {
      apiVersion: 'plumb.io/v1',
      kind: 'File',
      metadata: { name: 'motd', owner: 'group:ops' },
      spec: { path: 'motd', content: 'hi' },
      relations: [{ type: 'dependsOn', target: 'host:h' }],
      source: { provider: 'file' },
    };
    const observed = { apiVersion: 'plumb.io/v1', kind: 'File', metadata: { name: 'motd' }, spec: { path: 'motd', content: 'hi' } };
    const ignorePointers = ignorePointersFor({ kind: 'File', namespace: 'default', name: 'motd', labels: {} }, []);
    expect(diffObject(desired, observed, { ignorePointers }).changed).toBe(false);
  });

  it('shows a changed Secret as changed and never its value, in patch, paths, text or JSON', () => {
    const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data });
    const desired = secret({ password: Buffer.from('hunter2-new').toString('base64'), user: 'YWRtaW4=' });
    const observed = secret({ password: Buffer.from('hunter2-old').toString('base64'), user: 'YWRtaW4=' });
    const d = diffObject(desired, observed, { id: 'secret:shop/db', secretPointers: secretPointersOf(desired) });
    expect(d.patch).toEqual([{ op: 'replace', path: '/data/password', value: '(sensitive)' }]);
    expect(d.text).toContain('-  password: (sensitive)\n+  password: (sensitive, changed)');
    const all = JSON.stringify(d);
    for (const leaked of ['hunter2', desired.data.password, observed.data.password, 'YWRtaW4=']) expect(all).not.toContain(leaked);
  });

  it('treats a secret recorded as (sensitive) in a snapshot as unknown, not as drift', () => {
    const desired = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' } };
    const recorded = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: '(sensitive)' } };
    expect(diffObject(desired, recorded, { secretPointers: secretPointersOf(desired) }).changed).toBe(false);
    expect(diffObject(desired, recorded).changed).toBe(true);
  });

  it('compares stringData the way the API server stores it, and hides it', () => {
    const desired = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { token: 's3cr3t' } };
    const same = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { token: Buffer.from('s3cr3t').toString('base64') } };
    expect(diffObject(desired, same, { secretPointers: secretPointersOf(desired) }).changed).toBe(false);
    const created = diffObject(desired, undefined, { secretPointers: secretPointersOf(desired) });
    expect(JSON.stringify(created)).not.toContain('s3cr3t');
    expect(created.text).toContain('token: (sensitive)');
  });

  it('hides schema x-plumb-secret fields added whole, nested in the added value', () => {
    const schema = {
      type: 'object',
      properties: { spec: { properties: { connection: { type: 'object', properties: { password: { type: 'string', 'x-plumb-secret': true } } } } } },
    };
    const desired = { apiVersion: 'plumb.io/v1', kind: 'Database', metadata: { name: 'db' }, spec: { connection: { host: 'h', password: 'pa55' } } };
    const observed = { apiVersion: 'plumb.io/v1', kind: 'Database', metadata: { name: 'db' }, spec: {} };
    const d = diffObject(desired, observed, { secretPointers: secretPointersOf(desired, schema) });
    expect(d.patch).toEqual([{ op: 'add', path: '/spec/connection', value: { host: 'h', password: '(sensitive)' } }]);
    expect(JSON.stringify(d)).not.toContain('pa55');
  });

  it('describes a create as an add of the whole document and a delete as a remove', () => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(diffObject(doc, undefined, { id: 'configmap:default/c' })).toEqual({
      changed: true,
      patch: [{ op: 'add', path: '', value: doc }],
      paths: [''],
      text: '--- observed/configmap:default/c\n+++ desired/configmap:default/c\n@@ -0,0 +1,6 @@\n+apiVersion: v1\n+kind: ConfigMap\n+metadata:\n+  name: c\n+data:\n+  a: "1"\n',
    });
    expect(diffObject(undefined, doc).patch).toEqual([{ op: 'remove', path: '' }]);
  });

  it('shows removed name-keyed entries in the text diff, and leaves ignored fields out of it', () => {
    const desired = deployment([{ name: 'web', image: 'api:1' }]);
    const observed = deployment([
      { name: 'old', image: 'legacy:1' },
      { name: 'web', image: 'api:1' },
    ]);
    (observed.spec as { replicas: number }).replicas = 9;
    const d = diffObject(desired, observed, { id: 'deployment:shop/api', ignorePointers: ['/spec/replicas'] });
    expect(d.patch).toEqual([{ op: 'remove', path: '/spec/template/spec/containers/0' }]);
    expect(d.text).toContain('         - name: web\n           image: api:1\n-        - name: old\n-          image: legacy:1\n');
    expect(d.text).not.toContain('replicas');
  });

  it('replaces positional lists of a different length whole', () => {
    const d = diffObject({ spec: { args: ['a', 'b'] } }, { spec: { args: ['a'] } });
    expect(d.patch).toEqual([{ op: 'replace', path: '/spec/args', value: ['a', 'b'] }]);
  });
});

describe('property: the patch makes observed agree with desired on declared fields', () => {
  const key = fc.constantFrom('a', 'b', 'c', 'name', 'x~y', 'p/q');
  const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('s', 't', ''), fc.boolean(), fc.constant(null));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('object'), tie('list'), tie('keyed')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    list: fc.array(tie('value'), { maxLength: 3 }),
    keyed: fc
      .uniqueArray(fc.constantFrom('n1', 'n2', 'n3', 'n4'), { minLength: 1, maxLength: 4 })
      .chain((names) => fc.tuple(...names.map((n) => fc.dictionary(fc.constantFrom('v', 'w'), tie('value'), { maxKeys: 2 }).map((o) => ({ ...o, name: n }))))),
  }));
  const doc = fc.dictionary(key, value, { maxKeys: 5 });

  it('holds for random documents', () => {
    fc.assert(
      fc.property(doc, doc, (desired, observed) => {
        const d = diffObject(desired, observed, { text: false });
        const after = jsonpatch.applyPatch(structuredClone(observed), d.patch as jsonpatch.Operation[], true, false).newDocument;
        expect(declaredView(desired, after)).toEqual(desired);
        expect(diffObject(desired, after, { text: false }).changed).toBe(false);
        expect(d.changed).toBe(d.patch.length > 0);
      }),
      { numRuns: 2000 },
    );
  });
});
