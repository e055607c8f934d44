import { describe, expect, it } from 'vitest';
import { levelOf, riskOf } from '../../../engine/impact/risk.js';
import { receiverState } from '../../../engine/impact/propagation-rules.js';
import type { ImpactState } from '../../../engine/model/relations.js';

describe('risk score', () => {
  it('weighs criticality of what is hit first, then how much, then the event', () => {
    const cases = {
      'one critical service down': riskOf({ event: 'down', states: ['down'], businessServices: [{ criticality: 'critical', state: 'down' }] }),
      'the same, as a change that may fail': riskOf({ event: 'change', states: ['down'], businessServices: [{ criticality: 'critical', state: 'down' }] }),
      'a thousand CIs deleted, no service behind them': riskOf({ event: 'delete', states: Array<ImpactState>(1000).fill('down'), businessServices: [] }),
      'a low service degraded': riskOf({ event: 'down', states: ['down', 'down'], businessServices: [{ criticality: 'low', state: 'degraded' }] }),
      'services cap at 60 points': riskOf({
        event: 'down',
        states: ['down', 'down', 'down'],
        businessServices: [
          { criticality: 'critical', state: 'down' },
          { criticality: 'high', state: 'down' },
        ],
      }),
      'an unknown criticality counts as medium': riskOf({
        event: 'down',
        states: ['at-risk', 'at-risk', 'at-risk'],
        businessServices: [{ criticality: 'Gold', state: 'at-risk' }],
      }),
    };
    expect(cases).toEqual({
      'one critical service down': { score: 69, level: 'high' },
      'the same, as a change that may fail': { score: 65, level: 'high' },
      'a thousand CIs deleted, no service behind them': { score: 40, level: 'medium' },
      'a low service degraded': { score: 13, level: 'low' },
      'services cap at 60 points': { score: 72, level: 'high' },
      'an unknown criticality counts as medium': { score: 11, level: 'low' },
    });
  });

  it('a delete weighs by how many objects it removes, cascaded deletes included', () => {
    const down = (n: number) => Array<ImpactState>(n).fill('down');
    expect({
      'one ConfigMap deleted': riskOf({ event: 'delete', states: down(1), businessServices: [] }),
      'a Namespace and the 8 objects in it': riskOf({ event: 'delete', states: down(9), businessServices: [], deletes: 9 }),
      'a Namespace and 99 objects': riskOf({ event: 'delete', states: down(100), businessServices: [], deletes: 100 }),
      'the event part caps at 40': riskOf({ event: 'delete', states: down(1), businessServices: [], deletes: 1e9 }),
      'deletes count only for a delete': riskOf({ event: 'down', states: down(1), businessServices: [], deletes: 100 }),
    }).toEqual({
      'one ConfigMap deleted': { score: 13, level: 'low' },
      'a Namespace and the 8 objects in it': { score: 30, level: 'medium' },
      'a Namespace and 99 objects': { score: 50, level: 'high' },
      'the event part caps at 40': { score: 43, level: 'medium' },
      'deletes count only for a delete': { score: 9, level: 'low' },
    });
  });

  it('levels: low < 25 ≤ medium < 50 ≤ high < 75 ≤ critical', () => {
    expect([0, 24, 25, 49, 50, 74, 75, 100].map(levelOf)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
});

describe('propagation rule', () => {
  it('down travels per the table, degraded never escalates, at-risk only along hard dependencies', () => {
    const types = [
      'dependsOn',
      'runsOn',
      'hostedOn',
      'consumesApi',
      'partOf',
      'memberOf',
      'contains',
      'connectsTo',
      'backedUpBy',
      'alternativeTo',
      'ownedBy',
      'madeUp',
    ];
    const table = Object.fromEntries(types.map((t) => [t, (['down', 'degraded', 'at-risk'] as const).map((s) => receiverState(s, t) ?? '-').join(' ')]));
    expect(table).toEqual({
      dependsOn: 'down degraded at-risk',
      runsOn: 'down degraded at-risk',
      hostedOn: 'down degraded at-risk',
      consumesApi: 'degraded degraded -',
      partOf: 'degraded degraded -', // down by minUp is decided by the walk
      memberOf: 'degraded degraded -',
      contains: 'down degraded -',
      connectsTo: 'at-risk at-risk -',
      backedUpBy: 'at-risk at-risk -',
      alternativeTo: '- - -',
      ownedBy: '- - -',
      madeUp: '- - -',
    });
  });
});
