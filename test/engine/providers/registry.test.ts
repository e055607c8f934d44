import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { createProvider, selectDesired } from '../../../engine/providers/registry.js';
import { makeCI } from './make-ci.js';

const ctx = { root: '/repo', config: DEFAULT_CONFIG };

describe('createProvider', () => {
  it('builds snapshot, file and exec providers from their settings', () => {
    expect([
      createProvider('rec', { provider: 'snapshot', path: 'observed/snapshot.yaml' }, ctx).name,
      createProvider('hosts', { provider: 'file', roots: ['/srv'] }, ctx).name,
      createProvider('cmdb', { provider: 'exec', command: './plugin', timeout: '5s' }, ctx).name,
    ]).toEqual(['snapshot', 'file', 'exec:cmdb']);
  });

  it('refuses an unknown provider with the known list, and bad settings', () => {
    expect(() => createProvider('x', { provider: 'ftp' }, ctx)).toThrow(
      expect.objectContaining({ code: 'provider.unknown', hint: 'known providers: snapshot, file, exec, kubernetes, endpoint, host' }),
    );
    expect(() => createProvider('x', { provider: 'file' }, ctx)).toThrow(expect.objectContaining({ code: 'provider.bad-setting' }));
    expect(() => createProvider('x', { provider: 'exec', command: 'p', timeout: 'soon' }, ctx)).toThrow(
      expect.objectContaining({ code: 'config.bad-duration' }),
    );
  });
});

describe('selectDesired', () => {
  const cis = [
    makeCI({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop', labels: { env: 'prod' } } }),
    makeCI({ apiVersion: 'plumb.io/v1', kind: 'File', metadata: { name: 'motd' }, source: { provider: 'file' } }),
    makeCI({ apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: 'h' }, source: { provider: 'exec:cmdb' } }),
    makeCI({ apiVersion: 'plumb.io/v1', kind: 'Group', metadata: { name: 'ops' } }),
  ];
  const ids = (t: Parameters<typeof selectDesired>[0], name = 't') => selectDesired(t, name, cis).map((c) => c.name);

  it("by default takes the CIs whose effective provider is the target's; a snapshot takes all", () => {
    expect(ids({ provider: 'kubernetes' })).toEqual(['api']);
    expect(ids({ provider: 'file' })).toEqual(['motd']);
    expect(ids({ provider: 'exec' }, 'cmdb')).toEqual(['h']);
    expect(ids({ provider: 'snapshot' })).toEqual(['api', 'motd', 'h', 'ops']);
  });

  it('narrows by kinds, namespaces and labels, and select.providers replaces the default', () => {
    expect(ids({ provider: 'snapshot', select: { kinds: ['deployment', 'FILE'] } })).toEqual(['api', 'motd']);
    expect(ids({ provider: 'kubernetes', select: { namespaces: ['shop'], labels: { env: 'prod' } } })).toEqual(['api']);
    expect(ids({ provider: 'snapshot', select: { providers: ['file', 'exec:cmdb'] } })).toEqual(['motd', 'h']);
  });
});
