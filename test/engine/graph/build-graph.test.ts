import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { ci } from '../../helpers/make-repo.js';

describe('buildGraph', () => {
  it('keeps the first of duplicate identities and skips relations it cannot interpret', () => {
    const first = ci({ kind: 'Host', name: 'h', file: 'a.yaml' });
    const { graph, diagnostics } = buildGraph([
      first,
      ci({ kind: 'Host', name: 'h', file: 'b.yaml', relations: [{ type: 'dependsOn', target: 'app:x' }] }),
      ci({
        kind: 'App',
        name: 'x',
        relations: [
          { type: 'runsOn', target: 'host:h' },
          { type: 'runsOn', target: 'host:gone' },
          { type: 'sitsOn', target: 'host:h' },
          { type: 'runsOn', target: '???' },
        ],
      }),
    ]);
    expect(diagnostics).toEqual([]);
    expect(graph.nodes()).toEqual(['host:default/h', 'app:default/x']);
    expect(graph.getNodeAttribute('host:default/h', 'ci')).toBe(first);
    expect(graph.mapEdges((_e, a, s, t) => [s, a.type, t, a.inferred])).toEqual([['app:default/x', 'runsOn', 'host:default/h', false]]);
  });

  it('allows self-loops and parallel edges of different types', () => {
    const { graph } = buildGraph([
      ci({
        kind: 'App',
        name: 'a',
        relations: [
          { type: 'dependsOn', target: 'app:a' },
          { type: 'dependsOn', target: 'app:b' },
          { type: 'connectsTo', target: 'app:b' },
        ],
      }),
      ci({ kind: 'App', name: 'b' }),
    ]);
    expect(graph.mapEdges((_e, a, s, t) => `${s} ${a.type} ${t}`)).toEqual([
      'app:default/a dependsOn app:default/a',
      'app:default/a dependsOn app:default/b',
      'app:default/a connectsTo app:default/b',
    ]);
  });
});
