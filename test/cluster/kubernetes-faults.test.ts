import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';
import { writeK8sRepo } from './k8s-fixture.js';

/**
 * Faults need a control plane of their own: killing the shared API server
 * would fail every other cluster test running beside these.
 */
describeCluster('plumb when the Kubernetes API server fails', () => {
  let cp: ControlPlane;
  let stopRollout: () => Promise<void>;
  const dirs: string[] = [];
  const repo = (opts: Parameters<typeof writeK8sRepo>[1]) => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-k8s-fault-'));
    dirs.push(dir);
    writeK8sRepo(dir, opts);
    return dir;
  };

  beforeAll(async () => {
    cp = await startControlPlane();
    stopRollout = startFakeRollout(cp, { namespaces: ['fault', 'stuck'], stuckNamespaces: ['stuck'] });
  });
  afterAll(async () => {
    await stopRollout?.();
    await cp?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('killed in the middle of an apply: plumb says what was applied and what was not, releases its lock, and a re-run after restart converges', async () => {
    const dir = repo({ namespaces: ['fault'], configMaps: 300 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'cli/main.ts'), 'apply', '--auto-approve', '--concurrency', '1', '--repo', dir, '--kubeconfig', cp.kubeconfig],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let killed = false;
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!killed && (out.match(/✓ create configmap:fault\//g) ?? []).length >= 10) {
        killed = true;
        void cp.killApiServer();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await exited;
    expect(killed).toBe(true);
    expect(code).toBe(1);
    const summary = out.match(/(\d+) applied, (\d+) failed, (\d+) not attempted/);
    expect(summary, out).not.toBeNull();
    const [applied, failed, notAttempted] = summary!.slice(1).map(Number);
    expect(applied).toBeGreaterThanOrEqual(10);
    expect(applied + failed + notAttempted).toBe(301); // the Namespace and 300 ConfigMaps
    expect(notAttempted).toBeGreaterThan(0);
    expect(out).toContain('cannot reach the API server');
    expect(out).not.toMatch(/\n\s+at /);
    const locks = join(dir, '.plumb', 'locks');
    expect(existsSync(locks) ? readdirSync(locks).filter((f) => f.endsWith('.lock')) : []).toEqual([]);

    await cp.restartApiServer();
    const again = await runCli(['apply', '--auto-approve', '--repo', dir, '--kubeconfig', cp.kubeconfig]);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const plan = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', cp.kubeconfig]);
    expect(JSON.parse(plan.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0, noop: 301 });
  });

  it('fails the wave when a Deployment stays unavailable past the health timeout', async () => {
    const dir = repo({ namespaces: ['stuck'], deployments: 1 });
    const r = await runCli(['apply', '--auto-approve', '--health-timeout', '2s', '--repo', dir, '--kubeconfig', cp.kubeconfig]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('not healthy after 2 s: 0 of 2 replicas available');
  });
});
