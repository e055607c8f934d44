import { describe, expect, it } from 'vitest';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { graphOf } from './graph-fixture.js';

/**
 * One small estate that uses every relation type:
 *
 *   rack:r1 ─contains→ host:h1 ─memberOf→ cluster:c1 ←memberOf─ host:h2
 *   database:db ─runsOn→ host:h1          vm:vm1 ─hostedOn→ host:h1
 *   app:api ─dependsOn→ database:db       app:batch ─runsOn→ cluster:c1
 *   app:web ─consumesApi→ app:api         app:api ─connectsTo→ app:cache
 *   database:db ─backedUpBy→ backuppolicy:nightly
 *   businessservice:shop ─dependsOn→ app:api      app:api ─ownedBy→ group:team
 */
const estate = graphOf(
  [
    'rack:x/r1 contains host:x/h1',
    'host:x/h1 memberOf cluster:x/c1',
    'host:x/h2 memberOf cluster:x/c1',
    'database:x/db runsOn host:x/h1',
    'vm:x/vm1 hostedOn host:x/h1',
    'app:x/api dependsOn database:x/db',
    'app:x/batch runsOn cluster:x/c1',
    'app:x/web consumesApi app:x/api',
    'app:x/api connectsTo app:x/cache',
    'database:x/db backedUpBy backuppolicy:x/nightly',
    'businessservice:x/shop dependsOn app:x/api',
    'app:x/api ownedBy group:x/team',
  ],
  { 'businessservice:x/shop': { spec: { criticality: 'high' } } },
);

describe('impact over every relation type', () => {
  it('a host going down takes down what runs on it and what depends on that, degrades its cluster and API consumers, and leaves peers at risk', () => {
    expect(simulateImpact(estate, { sources: ['host:x/h1'], event: 'down' })).toEqual({
      sources: ['host:x/h1'],
      event: 'down',
      affected: [
        { id: 'database:x/db', state: 'down', depth: 1, path: ['host:x/h1', 'database:x/db'] },
        { id: 'vm:x/vm1', state: 'down', depth: 1, path: ['host:x/h1', 'vm:x/vm1'] },
        { id: 'app:x/api', state: 'down', depth: 2, path: ['host:x/h1', 'database:x/db', 'app:x/api'] },
        { id: 'businessservice:x/shop', state: 'down', depth: 3, path: ['host:x/h1', 'database:x/db', 'app:x/api', 'businessservice:x/shop'] },
        { id: 'cluster:x/c1', state: 'degraded', depth: 1, path: ['host:x/h1', 'cluster:x/c1'] },
        { id: 'app:x/batch', state: 'degraded', depth: 2, path: ['host:x/h1', 'cluster:x/c1', 'app:x/batch'] },
        { id: 'app:x/web', state: 'degraded', depth: 3, path: ['host:x/h1', 'database:x/db', 'app:x/api', 'app:x/web'] },
        { id: 'app:x/cache', state: 'at-risk', depth: 3, path: ['host:x/h1', 'database:x/db', 'app:x/api', 'app:x/cache'] },
      ],
      businessServices: [{ id: 'businessservice:x/shop', criticality: 'high', state: 'down' }],
      risk: { score: 50, level: 'high' },
    });
  });

  it('a backup policy going down leaves what it backs up at risk, and at-risk travels along hard dependencies only', () => {
    expect(simulateImpact(estate, { sources: ['backuppolicy:x/nightly'], event: 'down' })).toEqual({
      sources: ['backuppolicy:x/nightly'],
      event: 'down',
      affected: [
        { id: 'database:x/db', state: 'at-risk', depth: 1, path: ['backuppolicy:x/nightly', 'database:x/db'] },
        { id: 'app:x/api', state: 'at-risk', depth: 2, path: ['backuppolicy:x/nightly', 'database:x/db', 'app:x/api'] },
        {
          id: 'businessservice:x/shop',
          state: 'at-risk',
          depth: 3,
          path: ['backuppolicy:x/nightly', 'database:x/db', 'app:x/api', 'businessservice:x/shop'],
        },
      ],
      businessServices: [{ id: 'businessservice:x/shop', criticality: 'high', state: 'at-risk' }],
      risk: { score: 17, level: 'low' },
    });
  });

  it('a container going down takes down what it contains, and everything behind that one hop deeper', () => {
    const result = simulateImpact(estate, { sources: ['rack:x/r1'], event: 'down' });
    expect(result.affected.map((a) => [a.id, a.state, a.depth])).toEqual([
      ['host:x/h1', 'down', 1],
      ['database:x/db', 'down', 2],
      ['vm:x/vm1', 'down', 2],
      ['app:x/api', 'down', 3],
      ['businessservice:x/shop', 'down', 4],
      ['cluster:x/c1', 'degraded', 2],
      ['app:x/batch', 'degraded', 3],
      ['app:x/web', 'degraded', 4],
      ['app:x/cache', 'at-risk', 4],
    ]);
  });

  it('nothing travels up a contains, out of an ownedBy or from a leaf', () => {
    expect(simulateImpact(estate, { sources: ['group:x/team'], event: 'down' }).affected).toEqual([]);
    expect(simulateImpact(estate, { sources: ['businessservice:x/shop'], event: 'down' })).toEqual({
      sources: ['businessservice:x/shop'],
      event: 'down',
      affected: [],
      businessServices: [{ id: 'businessservice:x/shop', criticality: 'high', state: 'down' }],
      risk: { score: 44, level: 'medium' },
    });
  });

  it('a change reports what it would hit as at-risk, with the state it would reach if the change fails', () => {
    expect(simulateImpact(estate, { sources: ['host:x/h1'], event: 'change' })).toEqual({
      sources: ['host:x/h1'],
      event: 'change',
      affected: [
        { id: 'database:x/db', state: 'at-risk', wouldBe: 'down', depth: 1, path: ['host:x/h1', 'database:x/db'] },
        { id: 'vm:x/vm1', state: 'at-risk', wouldBe: 'down', depth: 1, path: ['host:x/h1', 'vm:x/vm1'] },
        { id: 'app:x/api', state: 'at-risk', wouldBe: 'down', depth: 2, path: ['host:x/h1', 'database:x/db', 'app:x/api'] },
        {
          id: 'businessservice:x/shop',
          state: 'at-risk',
          wouldBe: 'down',
          depth: 3,
          path: ['host:x/h1', 'database:x/db', 'app:x/api', 'businessservice:x/shop'],
        },
        { id: 'cluster:x/c1', state: 'at-risk', wouldBe: 'degraded', depth: 1, path: ['host:x/h1', 'cluster:x/c1'] },
        { id: 'app:x/batch', state: 'at-risk', wouldBe: 'degraded', depth: 2, path: ['host:x/h1', 'cluster:x/c1', 'app:x/batch'] },
        { id: 'app:x/web', state: 'at-risk', wouldBe: 'degraded', depth: 3, path: ['host:x/h1', 'database:x/db', 'app:x/api', 'app:x/web'] },
        { id: 'app:x/cache', state: 'at-risk', wouldBe: 'at-risk', depth: 3, path: ['host:x/h1', 'database:x/db', 'app:x/api', 'app:x/cache'] },
      ],
      businessServices: [{ id: 'businessservice:x/shop', criticality: 'high', state: 'at-risk' }],
      risk: { score: 46, level: 'medium' },
    });
  });
});
