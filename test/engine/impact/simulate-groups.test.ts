import { describe, expect, it } from 'vitest';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { graphOf } from './graph-fixture.js';

describe('partOf / memberOf with spec.minUp', () => {
  // Three members, two must be up.
  const cluster = graphOf(['node:x/n1 partOf cluster:x/c', 'node:x/n2 partOf cluster:x/c', 'node:x/n3 partOf cluster:x/c', 'app:x/svc runsOn cluster:x/c'], {
    'cluster:x/c': { spec: { minUp: 2 } },
  });

  it('a group with exactly minUp members left up is degraded, and so is what runs on it', () => {
    expect(simulateImpact(cluster, { sources: ['node:x/n1'], event: 'down' })).toEqual({
      sources: ['node:x/n1'],
      event: 'down',
      affected: [
        { id: 'cluster:x/c', state: 'degraded', depth: 1, path: ['node:x/n1', 'cluster:x/c'] },
        { id: 'app:x/svc', state: 'degraded', depth: 2, path: ['node:x/n1', 'cluster:x/c', 'app:x/svc'] },
      ],
      businessServices: [],
      risk: { score: 11, level: 'low' },
    });
  });

  it('a group with fewer than minUp members up is down, and so is what runs on it', () => {
    expect(simulateImpact(cluster, { sources: ['node:x/n2', 'node:x/n1'], event: 'down' })).toEqual({
      sources: ['node:x/n1', 'node:x/n2'],
      event: 'down',
      affected: [
        { id: 'cluster:x/c', state: 'down', depth: 1, path: ['node:x/n1', 'cluster:x/c'] },
        { id: 'app:x/svc', state: 'down', depth: 2, path: ['node:x/n1', 'cluster:x/c', 'app:x/svc'] },
      ],
      businessServices: [],
      risk: { score: 13, level: 'low' },
    });
  });

  it('members a partial graph leaves out (NodeAttributes.members) count toward minUp as members that stay up', () => {
    // n2 and n3 left out of the graph, counted on the cluster instead: the same answers as with them in it
    const partial = graphOf(['node:x/n1 partOf cluster:x/c', 'app:x/svc runsOn cluster:x/c'], { 'cluster:x/c': { spec: { minUp: 2 } } });
    partial.updateNodeAttributes('cluster:x/c', (attrs) => ({ ...attrs, members: 2 }));
    expect(simulateImpact(partial, { sources: ['node:x/n1'], event: 'down' })).toEqual(simulateImpact(cluster, { sources: ['node:x/n1'], event: 'down' }));
    // without the count, one member of one is down: below minUp
    const bare = graphOf(['node:x/n1 partOf cluster:x/c', 'app:x/svc runsOn cluster:x/c'], { 'cluster:x/c': { spec: { minUp: 2 } } });
    expect(simulateImpact(bare, { sources: ['node:x/n1'], event: 'down' }).affected[0]).toMatchObject({ id: 'cluster:x/c', state: 'down' });
  });

  it('without minUp a group is down only when no member is up', () => {
    const pair = graphOf(['host:x/a memberOf pool:x/p', 'host:x/b memberOf pool:x/p']);
    expect(simulateImpact(pair, { sources: ['host:x/a'], event: 'down' }).affected).toEqual([
      { id: 'pool:x/p', state: 'degraded', depth: 1, path: ['host:x/a', 'pool:x/p'] },
    ]);
    expect(simulateImpact(pair, { sources: ['host:x/a', 'host:x/b'], event: 'down' }).affected).toEqual([
      { id: 'pool:x/p', state: 'down', depth: 1, path: ['host:x/a', 'pool:x/p'] },
    ]);
  });
});

describe('alternativeTo redundancy groups', () => {
  const replicas = graphOf([
    'database:x/db-a alternativeTo database:x/db-b',
    'app:x/api dependsOn database:x/db-a',
    'app:x/worker dependsOn database:x/db-b',
    'database:x/db-b runsOn host:x/h2',
    'app:x/report consumesApi database:x/db-a',
    'database:x/db-a memberOf cluster:x/pg',
    'database:x/db-b memberOf cluster:x/pg',
  ]);

  it('one member down while another is up: what used it fails over and is only at risk, but its cluster counts it down', () => {
    expect(simulateImpact(replicas, { sources: ['database:x/db-a'], event: 'down' })).toEqual({
      sources: ['database:x/db-a'],
      event: 'down',
      affected: [
        { id: 'cluster:x/pg', state: 'degraded', depth: 1, path: ['database:x/db-a', 'cluster:x/pg'] },
        { id: 'app:x/api', state: 'at-risk', depth: 1, path: ['database:x/db-a', 'app:x/api'] },
        { id: 'app:x/report', state: 'at-risk', depth: 1, path: ['database:x/db-a', 'app:x/report'] },
      ],
      businessServices: [],
      risk: { score: 11, level: 'low' },
    });
  });

  it('all members down: the outage propagates from every member as usual', () => {
    expect(simulateImpact(replicas, { sources: ['database:x/db-a', 'database:x/db-b'], event: 'down' })).toEqual({
      sources: ['database:x/db-a', 'database:x/db-b'],
      event: 'down',
      affected: [
        { id: 'app:x/api', state: 'down', depth: 1, path: ['database:x/db-a', 'app:x/api'] },
        { id: 'app:x/worker', state: 'down', depth: 1, path: ['database:x/db-b', 'app:x/worker'] },
        { id: 'cluster:x/pg', state: 'down', depth: 1, path: ['database:x/db-a', 'cluster:x/pg'] },
        { id: 'app:x/report', state: 'degraded', depth: 1, path: ['database:x/db-a', 'app:x/report'] },
      ],
      businessServices: [],
      risk: { score: 14, level: 'low' },
    });
  });

  it('the last member going down later in the walk releases the members held back before it', () => {
    expect(simulateImpact(replicas, { sources: ['database:x/db-a', 'host:x/h2'], event: 'down' })).toEqual({
      sources: ['database:x/db-a', 'host:x/h2'],
      event: 'down',
      affected: [
        { id: 'app:x/api', state: 'down', depth: 1, path: ['database:x/db-a', 'app:x/api'] },
        { id: 'cluster:x/pg', state: 'down', depth: 1, path: ['database:x/db-a', 'cluster:x/pg'] },
        { id: 'database:x/db-b', state: 'down', depth: 1, path: ['host:x/h2', 'database:x/db-b'] },
        { id: 'app:x/worker', state: 'down', depth: 2, path: ['host:x/h2', 'database:x/db-b', 'app:x/worker'] },
        { id: 'app:x/report', state: 'degraded', depth: 1, path: ['database:x/db-a', 'app:x/report'] },
      ],
      businessServices: [],
      risk: { score: 15, level: 'low' },
    });
  });
});
