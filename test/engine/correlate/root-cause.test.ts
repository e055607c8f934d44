import { describe, expect, it } from 'vitest';
import { analyzeRootCause } from '../../../engine/correlate/root-cause.js';
import { benchWhy, failureSets } from '../../bench/why.js';
import { syntheticGraph } from '../../bench/impact.js';
import { graphOf } from '../impact/graph-fixture.js';

const EDGES = [
  'endpoint:x/a hostedOn host:x/h1',
  'endpoint:x/b hostedOn host:x/h1',
  'endpoint:x/c hostedOn host:x/h1',
  'endpoint:x/d hostedOn host:x/h2',
  'host:x/h1 memberOf cluster:x/k',
  'host:x/h2 memberOf cluster:x/k',
  'host:x/h3 memberOf cluster:x/k',
  'application:x/app runsOn cluster:x/k',
  'application:x/svc dependsOn database:x/p',
  'application:x/svc dependsOn database:x/q',
  'database:x/p alternativeTo database:x/q',
];
const g = () => graphOf(EDGES, { 'cluster:x/k': { spec: { minUp: 2 } } });

describe('analyzeRootCause', () => {
  it('names the host that explains every failing endpoint, with one path each', () => {
    const a = analyzeRootCause(g(), { failing: ['endpoint:x/a', 'endpoint:x/b', 'endpoint:x/c'] });
    expect(a.best).toMatchObject({ cause: ['host:x/h1'], explains: 3, unexplained: [], contradicted: [] });
    expect(a.explanations).toEqual(
      ['a', 'b', 'c'].map((e) => ({ ci: `endpoint:x/${e}`, path: [{ ci: 'host:x/h1' }, { ci: `endpoint:x/${e}`, via: 'hostedOn' }] })),
    );
  });

  it('weighs CIs seen healthy against a cause: one failing endpoint of a host whose others are fine is its own cause', () => {
    const a = analyzeRootCause(g(), { failing: ['endpoint:x/a'], healthy: ['endpoint:x/b', 'endpoint:x/c'] });
    expect(a.best.cause).toEqual(['endpoint:x/a']);
    expect(a.alternatives[0]).toMatchObject({ cause: ['host:x/h1'], contradicted: ['endpoint:x/b', 'endpoint:x/c'] });
  });

  it('minUp: two hosts of a cluster that needs two explain the application on the cluster; one does not', () => {
    const two = analyzeRootCause(g(), { failing: ['host:x/h1', 'host:x/h2', 'application:x/app', 'endpoint:x/a', 'endpoint:x/d'] });
    expect(two.best.cause).toEqual(['host:x/h1', 'host:x/h2']);
    expect(two.explanations.find((e) => e.ci === 'application:x/app')!.path.map((p) => p.via ?? p.ci)).toEqual(['host:x/h1', 'hasMember', 'runsOn']);
  });

  it('a redundant pair explains its dependents only together', () => {
    const a = analyzeRootCause(g(), { failing: ['database:x/p', 'database:x/q', 'application:x/svc'] });
    expect(a.best.cause).toEqual(['database:x/p', 'database:x/q']);
    const one = analyzeRootCause(g(), { failing: ['database:x/p', 'application:x/svc'] });
    expect(one.best.cause).toEqual(['application:x/svc', 'database:x/p']);
  });

  it('independent outages give a cause per outage; unknown identities are set aside', () => {
    const a = analyzeRootCause(g(), { failing: ['endpoint:x/a', 'endpoint:x/b', 'endpoint:x/d', 'endpoint:x/nope'] });
    expect(a.best.cause).toEqual(['endpoint:x/d', 'host:x/h1']);
    expect(a.unknown).toEqual(['endpoint:x/nope']);
  });

  it('finds the true cause first in at least 19 of 20 generated failure sets on a 10,000-CI graph', () => {
    const graph = syntheticGraph(10_000);
    const r = benchWhy(graph, failureSets(graph, 20));
    expect(r.sets).toBe(20);
    expect(r.first, JSON.stringify(r.misses)).toBeGreaterThanOrEqual(19);
  });
});
