import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeConfigFound } from '../../engine/providers/kubernetes/kube-config.js';
import { copyExample } from '../helpers/example-copy.js';
import { httpGet, spawnController, waitFor } from './controller-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'plumb-no-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('plumb controller without a cluster (the README tour on a laptop)', () => {
  it('reconciles the bundled example without leader election, Events or the status ConfigMap, and says so once', async () => {
    const repo = copyExample(join(tmp, 'example'), { git: true });
    const home = join(tmp, 'home'); // no ~/.kube/config, no $KUBECONFIG, not in a pod
    const ctl = spawnController(['--repo', repo, '--listen', '127.0.0.1:0', '--interval', '1s'], { HOME: home, KUBECONFIG: '' });
    try {
      const base = await ctl.base();
      // several reconciles, each a plan of the snapshot target: the example's denial is the answer every time
      const rounds = () =>
        httpGet(`${base}/metrics`).then((r) => Number(/^plumb_reconcile_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(r.text)?.[1] ?? 0));
      await waitFor(async () => (await rounds()) >= 3, { timeoutMs: 60_000, what: 'three reconciles' });
      const status = JSON.parse((await httpGet(`${base}/status`)).text);
      expect(status.revision).toMatch(/^[0-9a-f]{40}/);
      // planned against observed/snapshot.yaml: the example's drift (denied by a policy when kustomize and helm are there, held as manual otherwise)
      expect(status.plan.summary.update).toBeGreaterThan(0);
      expect(status.conditions.map((c: { type: string }) => c.type)).toContain('Ready');
      expect(status.leader).toBe(true);
      expect((await httpGet(`${base}/readyz`)).status).toBe(200);

      const logs = ctl.logs();
      const notices = logs.filter((l) => /no kubeconfig found/.test(l.msg ?? ''));
      expect(notices).toHaveLength(1);
      expect(notices[0].msg).toMatch(/no leader election, no Events, no status ConfigMap/);
      const clusterErrors = logs.filter(
        (l) => /leader election|record an Event|status ConfigMap|localhost:8080|HTTP protocol/.test(`${l.msg} ${l.err ?? ''}`) && l !== notices[0],
      );
      expect(clusterErrors).toEqual([]);
      expect(logs.filter((l) => l.raw)).toEqual([]);
    } finally {
      ctl.child.kill('SIGTERM');
      expect(await ctl.exited()).toBe(0);
    }
  });
});

describe('plumb controller with a content cache that cannot work', () => {
  it('says so once as a JSON log line like every other, never as a text line on stderr among them', async () => {
    const repo = copyExample(join(tmp, 'example-cache'), { git: true });
    const home = join(tmp, 'home-cache');
    const ctl = spawnController(['--repo', repo, '--listen', '127.0.0.1:0', '--interval', '1s'], {
      HOME: home,
      KUBECONFIG: '',
      PLUMB_CACHE: 'on',
      PLUMB_CACHE_DIR: '/proc/self',
      XDG_STATE_HOME: join(tmp, 'state-cache'),
    });
    try {
      const base = await ctl.base();
      const rounds = () =>
        httpGet(`${base}/metrics`).then((r) => Number(/^plumb_reconcile_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(r.text)?.[1] ?? 0));
      await waitFor(async () => (await rounds()) >= 2, { timeoutMs: 60_000, what: 'two reconciles' });
      const logs = ctl.logs();
      expect(logs.filter((l) => l.raw)).toEqual([]);
      const told = logs.filter((l) => l.code === 'cache.unwritable');
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ level: expect.anything(), path: '/proc/self/content' });
      expect(told[0].hint).toContain('PLUMB_CACHE_DIR');
    } finally {
      ctl.child.kill('SIGTERM');
      expect(await ctl.exited()).toBe(0);
    }
  });
});

describe('kubeConfigFound', () => {
  it('finds what kubectl would use, and nothing on a machine without any', () => {
    const home = join(tmp, 'empty-home');
    expect(kubeConfigFound({}, {}, home)).toBe(false);
    expect(kubeConfigFound({ kubeconfig: '/x' }, {}, home)).toBe(true);
    expect(kubeConfigFound({ inCluster: true }, {}, home)).toBe(true);
    expect(kubeConfigFound({ context: 'prod' }, {}, home)).toBe(true); // asked for: loading it then says what is missing
    expect(kubeConfigFound({}, { KUBECONFIG: '/a:/b' }, home)).toBe(true);
    expect(kubeConfigFound({}, { KUBECONFIG: ' ' }, home)).toBe(false);
  });
});
