import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { identityOf } from '../../../engine/model/identity.js';

describe('identityOf', () => {
  it('lowercases the kind, defaults the namespace, and puts cluster-scoped kinds in _cluster; a custom kind named like a built-in one carries its group', () => {
    expect([
      identityOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } })?.id,
      identityOf({ apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: 'h' } })?.id,
      identityOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'ignored' } })?.id,
      identityOf({ apiVersion: 'example.com/v1', kind: 'Namespace', metadata: { name: 'x' } })?.id,
      identityOf({ apiVersion: 'example.com/v1', kind: 'Tenant', metadata: { name: 't' } }, new Set(['example.com/Tenant']))?.id,
      identityOf({ kind: 'Thing', metadata: {} }),
    ]).toEqual(['deployment:shop/api', 'host:default/h', 'namespace:_cluster/shop', 'namespace.example.com:default/x', 'tenant:_cluster/t', undefined]);
  });

  it('agrees with the loader on every CI of the bundled example', async () => {
    const repo = await loadRepository({ repo: resolve(import.meta.dirname, '../../..') });
    const disagreements = repo.cis.filter((ci) => identityOf(ci.object)?.id !== ci.id).map((ci) => ci.id);
    expect(repo.cis.length).toBeGreaterThan(10);
    expect(disagreements).toEqual([]);
  });
});
