/**
 * Capacity in plan and review: a policy denies cutting the replicas of a
 * workload whose CPU is forecast to saturate within 14 days (CEL reads
 * `capacity`), and the plan warns that the change touches a CI at risk. The
 * metrics are a recording (offline); the review runs on a real Git repository.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { stringifyRecording, toRecording } from '../../engine/capacity/recorded.js';
import type { Series } from '../../engine/capacity/types.js';
import { commit, makeGitRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/run-cli.js';
import { DAY, generate, HOUR } from '../prometheus/synthetic-series.js';

const RECORDED_AT = Date.parse('2026-11-30T00:00:00Z');
const START = RECORDED_AT - 21 * DAY;
const USAGE = 'sum(rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"checkout-api-.*"}[5m]))';
const LIMITS = 'sum(kube_pod_container_resource_limits{namespace="shop",pod=~"checkout-api-.*",resource="cpu"})';

function recording(): string {
  // 2.4 cores growing 0.3 a day with a daily cycle, against 12 cores of limits: 12 reached in about 9 days
  const usage = generate({
    shape: { base: 2.4, slope: 0.3, daily: 0.4, weekly: 0, t0: START },
    start: START,
    end: RECORDED_AT,
    step: HOUR,
    noise: 0.05,
    seed: 21,
  });
  const limits: Series = { start: RECORDED_AT - 10 * HOUR, step: HOUR, values: new Float64Array(11).fill(12) };
  return stringifyRecording(
    toRecording(
      RECORDED_AT,
      new Map([
        [USAGE, usage],
        [LIMITS, limits],
      ]),
    ),
  );
}

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-api
  namespace: shop
  annotations:
    plumb.io/capacity: |
      - name: cpu
        usage: '${USAGE}'
        capacity: {query: '${LIMITS}'}
        unit: cores
        horizon: 30d
        step: 1h
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: checkout-api}}
  template:
    metadata: {labels: {app: checkout-api}}
    spec:
      containers:
        - {name: checkout-api, image: "registry.example.com/checkout-api:1.8.2"}
`;

const POLICY = `apiVersion: plumb.io/v1
kind: Policy
metadata: {name: no-replica-cut-when-saturating}
spec:
  action: deny
  severity: high
  scope: change
  match: {kinds: [Deployment, StatefulSet]}
  validations:
    - expression: >-
        !(change.action == 'update' && oldObject.spec.replicas > object.spec.replicas
          && has(capacity.daysToExhaustion) && capacity.daysToExhaustion <= 14.0)
      messageExpression: >-
        'cutting ' + object.metadata.name + ' from ' + string(oldObject.spec.replicas) + ' to '
        + string(object.spec.replicas) + ' replicas while it is forecast to saturate in '
        + string(int(capacity.daysToExhaustion)) + ' days'
`;

const SNAPSHOT = (replicas: number) => `apiVersion: plumb.io/v1
kind: Snapshot
objects:
  - ${deployment(replicas).trimEnd().split('\n').join('\n    ')}
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(desiredReplicas: number): string {
  const dir = makeGitRepo({
    'plumb.yaml': 'targets:\n  shop: {provider: snapshot, path: observed/snapshot.yaml}\nmetrics: {provider: recorded, path: observed/metrics.yaml}\n',
    'observed/metrics.yaml': recording(),
    'observed/snapshot.yaml': SNAPSHOT(6),
    'inventory/checkout.yaml': deployment(6),
    'policies/capacity.yaml': POLICY,
  });
  dirs.push(dir);
  if (desiredReplicas !== 6) commit(dir, { 'inventory/checkout.yaml': deployment(desiredReplicas) }, 'cut checkout-api replicas');
  return dir;
}

describe('a replica cut on a workload forecast to saturate', () => {
  it('plumb capacity shows the workload critical, from its annotation and a capacity query', async () => {
    const dir = repo(6);
    const r = await runCli(['capacity', '--repo', dir, '-o', 'json']);
    expect(r.stderr).toBe('');
    const [s] = JSON.parse(r.stdout).signals;
    expect(s).toMatchObject({ ci: 'deployment:shop/checkout-api', signal: 'cpu', status: 'critical', capacity: 12 });
    expect(s.daysToExhaustion).toBeGreaterThan(5);
    expect(s.daysToExhaustion).toBeLessThan(14);
  });

  it('plumb plan denies it (exit 3) and warns that the change touches a CI at risk', async () => {
    const dir = repo(3);
    const r = await runCli(['plan', '--repo', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/deny.*no-replica-cut-when-saturating.*cutting checkout-api from 6 to 3 replicas while it is forecast to saturate in \d+ days/);
    expect(r.stdout + r.stderr).toMatch(
      /inventory\/checkout\.yaml:1:1: warning \[capacity\.at-risk\] this change touches deployment:shop\/checkout-api, whose cpu is critical: forecast to reach capacity in/,
    );
  });

  it('plumb plan lets the same cut through when nothing saturates (no signal at risk)', async () => {
    const dir = repo(6);
    commit(dir, { 'inventory/checkout.yaml': deployment(3).replace(/ {4}plumb\.io\/capacity: \|\n(?: {6}.*\n)+/, '    note: none\n') }, 'no signal');
    const r = await runCli(['plan', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('no-replica-cut-when-saturating');
  });

  it('with Prometheus unreachable the plan says so and the policy does not guess (status unknown)', async () => {
    const dir = repo(3);
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    commit(
      dir,
      {
        'plumb.yaml': `targets:\n  shop: {provider: snapshot, path: observed/snapshot.yaml}\nmetrics: {provider: prometheus, url: "http://127.0.0.1:${port}", timeout: 5s}\n`,
      },
      'live metrics',
    );
    const r = await runCli(['plan', '--repo', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain(
      `warning [capacity.source] 1 of 1 capacity signal could not be read: cannot reach Prometheus at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    expect(r.stdout).not.toContain('no-replica-cut-when-saturating');
  });

  it('plumb review of the pull request denies it too', async () => {
    const dir = repo(3);
    const r = await runCli(['review', '--repo', dir, '--base', 'HEAD~1', '--head', 'HEAD']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/cutting checkout-api from 6 to 3 replicas while it is forecast to saturate in \d+ days/);
    const md = await runCli(['review', '--repo', dir, '--base', 'HEAD~1', '--head', 'HEAD', '-o', 'markdown']);
    expect(md.stdout).toContain('no-replica-cut-when-saturating');
  });
});
