import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { explainImpact } from '../../../engine/impact/explain.js';
import { simulateImpact } from '../../../engine/impact/simulate.js';
import { renderImpactText } from '../../../engine/report/impact-text.js';
import { graphOf } from './graph-fixture.js';

const estate = graphOf(
  [
    'host:x/h1 memberOf cluster:x/c1',
    'host:x/h2 memberOf cluster:x/c1',
    'database:x/db runsOn host:x/h1',
    'app:x/api dependsOn database:x/db',
    'app:x/api consumesApi database:x/db',
    'app:x/batch runsOn cluster:x/c1',
    'app:x/web consumesApi app:x/api',
    'app:x/api connectsTo app:x/cache',
    'businessservice:x/shop dependsOn app:x/api',
  ],
  { 'businessservice:x/shop': { spec: { criticality: 'high' } } },
);
const plain = pc.createColors(false);

describe('the why tree', () => {
  it('puts every affected CI once under the CI it is explained by, worst first, naming the relation as read from the CI', () => {
    const summary = simulateImpact(estate, { sources: ['host:x/h1'], event: 'down' });
    const leaf = (id: string, state: string, depth: number, via: string) => ({ id, state, depth, via, children: [] });
    expect(explainImpact(estate, summary)).toEqual([
      {
        id: 'host:x/h1',
        state: 'down',
        depth: 0,
        children: [
          {
            id: 'database:x/db',
            state: 'down',
            depth: 1,
            via: 'runsOn',
            children: [
              {
                id: 'app:x/api',
                state: 'down',
                depth: 2,
                via: 'dependsOn',
                children: [
                  leaf('businessservice:x/shop', 'down', 3, 'dependsOn'),
                  leaf('app:x/web', 'degraded', 3, 'consumesApi'),
                  leaf('app:x/cache', 'at-risk', 3, 'connectsTo'),
                ],
              },
            ],
          },
          { id: 'cluster:x/c1', state: 'degraded', depth: 1, via: 'hasMember', children: [leaf('app:x/batch', 'degraded', 2, 'runsOn')] },
        ],
      },
    ]);
  });

  it('renders as text: risk and business services first, then the tree', () => {
    const summary = simulateImpact(estate, { sources: ['host:x/h1'], event: 'down' });
    expect(renderImpactText(summary, explainImpact(estate, summary), { colors: plain })).toBe(
      [
        'impact of down on host:x/h1',
        'risk: medium (49/100) · 7 CIs affected: 3 down, 3 degraded, 1 at-risk',
        'business services:',
        '  down      businessservice:x/shop (high)',
        'why:',
        'host:x/h1 down (source)',
        '├─ database:x/db down · runsOn',
        '│  └─ app:x/api down · dependsOn',
        '│     ├─ businessservice:x/shop down · dependsOn',
        '│     ├─ app:x/web degraded · consumesApi',
        '│     └─ app:x/cache at-risk · connectsTo',
        '└─ cluster:x/c1 degraded · hasMember',
        '   └─ app:x/batch degraded · runsOn',
      ].join('\n'),
    );
  });

  it('renders a change with the state each CI would reach, and cuts a long tree with a count', () => {
    const summary = simulateImpact(estate, { sources: ['database:x/db'], event: 'change' });
    expect(renderImpactText(summary, explainImpact(estate, summary), { colors: plain, maxTreeLines: 2 })).toBe(
      [
        'impact of change on database:x/db',
        'risk: medium (44/100) · 4 CIs at risk; if the change fails: 2 down, 1 degraded, 1 at-risk',
        'business services:',
        '  at-risk   businessservice:x/shop (high) would be down',
        'why:',
        'database:x/db at-risk (source)',
        '└─ app:x/api at-risk → would be down · dependsOn',
        '   ├─ businessservice:x/shop at-risk → would be down · dependsOn',
        '… 2 more affected CIs not shown (use -o json for all of them)',
      ].join('\n'),
    );
  });
});
