import { describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/diff/diff-object.js';
import { soleOwnedFields } from '../../../engine/providers/kubernetes/field-ownership.js';

const live = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'app',
    namespace: 'shop',
    labels: { app: 'shop', tier: 'web', extra: 'by-hand' },
    managedFields: [
      {
        manager: 'plumb',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:A': {}, 'f:B': {} }, 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } },
      },
      { manager: 'kubectl-label', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:extra': {} } } } },
      { manager: 'other-applier', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:B': {} } } },
    ],
  },
  data: { A: '1', B: '2' },
};

describe('fields removed from Git are changes, by field ownership', () => {
  it('reads the fields manager plumb owns alone from managedFields', () => {
    expect(soleOwnedFields(live)).toEqual(['/data/A', '/metadata/labels/app', '/metadata/labels/tier']);
    const pod = {
      spec: {
        containers: [
          { name: 'side', image: 'a' },
          { name: 'main', image: 'b', env: [{ name: 'X', value: '1' }] },
        ],
      },
      metadata: {
        managedFields: [
          {
            manager: 'plumb',
            operation: 'Apply',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:name': {}, 'f:env': { 'k:{"name":"X"}': { 'f:name': {}, 'f:value': {} } } } } },
            },
          },
        ],
      },
    };
    expect(soleOwnedFields(pod)).toEqual(['/spec/containers/1/env/0/name', '/spec/containers/1/env/0/value', '/spec/containers/1/name']);
  });

  it('a field named like an Object.prototype member that the live object lacks is not owned (constructor, toString, __proto__)', () => {
    const o = {
      metadata: {
        managedFields: [
          {
            manager: 'plumb',
            operation: 'Apply',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:constructor': {}, 'f:toString': {}, 'f:__proto__': {}, 'f:A': {} } },
          },
        ],
      },
      data: { A: '1' },
    };
    expect(soleOwnedFields(o)).toEqual(['/data/A']);
  });

  it('a label and a data key plumb owned and Git dropped are removed; a field another manager owns is never shown', () => {
    const { managedFields: _m, ...metadata } = live.metadata;
    const observed = { ...live, metadata };
    const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'shop', labels: { app: 'shop' } }, data: {} };
    const d = diffObject(desired, observed, { id: 'configmap:shop/app', owned: soleOwnedFields(live) });
    expect(d.patch).toEqual([
      { op: 'remove', path: '/data/A' },
      { op: 'remove', path: '/metadata/labels/tier' },
    ]);
    expect(d.text).toContain('-    tier: web');
    expect(d.text).not.toContain('extra');
    // ignored fields are never removed
    expect(diffObject(desired, observed, { owned: ['/data/A'], ignorePointers: ['/data/A'] }).changed).toBe(false);
    // without ownership nothing is removed (the old behaviour for providers that do not know it)
    expect(diffObject(desired, observed).changed).toBe(false);
  });

  it('the live object against itself (a kept steady-state dry-run answer is that very object) answers as against an equal copy: unchanged, whatever plumb owns of it', () => {
    const { managedFields: _m, ...metadata } = live.metadata;
    const observed = { ...live, metadata };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { user: 'YWRtaW4=', token: 'c2VjcmV0' } };
    const owned = [...soleOwnedFields(live), '/data/A/deeper', '/data/gone', '/metadata/labels/extra', '/spec/absent/entirely'];
    for (const [doc, options] of [
      [observed, { id: 'configmap:shop/app', owned }],
      [observed, { owned, ignorePointers: ['/data/A'] }],
      [secret, { owned: ['/data/token', '/data/user', '/stringData/x'], secretPointers: ['/data/*', '/stringData/*'] }],
    ] as const) {
      const self = diffObject(doc, doc, options);
      expect(self).toEqual(diffObject(structuredClone(doc), doc, options));
      expect(self).toEqual({ changed: false, patch: [], paths: [], text: '' });
    }
  });

  it('a Secret key removed shows as removed without its value', () => {
    const observed = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { user: 'YWRtaW4=', token: 'c2VjcmV0' } };
    const desired = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { user: 'YWRtaW4=' } };
    const d = diffObject(desired, observed, { owned: ['/data/token', '/data/user'], secretPointers: ['/data/*', '/stringData/*'] });
    expect(d.patch).toEqual([{ op: 'remove', path: '/data/token' }]);
    expect(d.text).not.toContain('c2VjcmV0');
    expect(d.text).toContain('token');
  });
});
