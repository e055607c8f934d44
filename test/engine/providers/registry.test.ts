import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('a kubeconfig plumb.yaml names (a hostile review)', () => {
  it("must be a file: a committed link to a FIFO or to /dev/zero is provider.bad-setting at once; --kubeconfig is the operator's own", () => {
    const root = mkdtempSync(join(tmpdir(), 'plumb-kubeconfig-setting-'));
    try {
      // Git stores links: each was read by a blocking readFileSync (the FIFO's open never returned; /dev/zero was
      // read to 2 GiB, twice: plumb's read and client-node's)
      execFileSync('mkfifo', [join(root, 'pipe')]);
      symlinkSync('pipe', join(root, 'kc-fifo'));
      symlinkSync('/dev/zero', join(root, 'kc-zero'));
      for (const [kubeconfig, what] of [
        ['kc-fifo', 'a named pipe (FIFO)'],
        ['kc-zero', 'a device'],
        ['/dev/zero', 'a device'],
      ])
        expect(() => createProvider('k8s', { provider: 'kubernetes', kubeconfig }, { root, config: DEFAULT_CONFIG }), kubeconfig).toThrow(
          expect.objectContaining({ code: 'provider.bad-setting', message: expect.stringContaining(what) }),
        );
      // a file, a missing one (the loader says so), and the command line's (process substitution is a pipe) are taken
      writeFileSync(join(root, 'kc'), 'apiVersion: v1\nkind: Config\n');
      for (const kubeconfig of ['kc', 'missing'])
        expect(() => createProvider('k8s', { provider: 'kubernetes', kubeconfig }, { root, config: DEFAULT_CONFIG })).not.toThrow();
      expect(() => createProvider('k8s', { provider: 'kubernetes' }, { root, config: DEFAULT_CONFIG, kubeconfig: join(root, 'pipe') })).not.toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
