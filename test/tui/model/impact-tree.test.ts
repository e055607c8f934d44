import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import type { CIGraph } from '../../../engine/graph/types.js';
import { impactTree } from '../../../tui/model/impact-tree.js';
import { treeLines } from '../../../tui/model/impact-lines.js';

const g: CIGraph = new MultiDirectedGraph();
for (const [s, t, type] of [
  ['app:s/api', 'database:s/db', 'dependsOn'],
  ['businessservice:s/shop', 'app:s/api', 'dependsOn'],
  ['database:s/db', 'host:s/h1', 'runsOn'],
  ['database:s/db', 'database:s/replica', 'connectsTo'],
  ['database:s/replica', 'database:s/db', 'connectsTo'],
  ['host:s/h1', 'cluster:s/c', 'memberOf'],
] as const) {
  for (const id of [s, t]) if (!g.hasNode(id)) g.addNode(id, { ci: { id } as never });
  g.addEdge(s, t, { type, inferred: false });
}
const states = new Map([
  ['app:s/api', { state: 'down' as const }],
  ['businessservice:s/shop', { state: 'down' as const }],
  ['database:s/replica', { state: 'at-risk' as const }],
]);

describe('impactTree', () => {
  it('shows one level until a node is opened, then its subtree; a connectsTo cycle is marked, not walked', () => {
    const closed = treeLines(impactTree(g, 'database:s/db', new Set(), states), 0, 80).map((l) => l.text.trimEnd());
    expect(closed).toEqual([
      '▸- dependents (2)',
      '   + app:s/api (dependsOn) down',
      '   + database:s/replica (connectsTo) at-risk',
      ' - dependencies (1)',
      '     host:s/h1 (runsOn) operational',
    ]);
    const open = treeLines(
      impactTree(g, 'database:s/db', new Set(['dependents>app:s/api', 'dependents>database:s/replica', '!dependencies']), states),
      1,
      80,
    ).map((l) => l.text.trimEnd());
    expect(open).toEqual([
      ' - dependents (2)',
      '▸  - app:s/api (dependsOn) down',
      '       businessservice:s/shop (dependsOn) down',
      '   - database:s/replica (connectsTo) at-risk',
      '     ↺ database:s/db (connectsTo) operational',
      ' + dependencies (1)',
    ]);
  });
});
