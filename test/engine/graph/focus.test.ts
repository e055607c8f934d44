import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../engine/graph/build-graph.js';
import { focusGraph } from '../../../engine/graph/focus.js';
import { isPlumbError } from '../../../engine/model/errors.js';
import { ci } from '../../helpers/make-repo.js';

// a → b → c → d, and e → b: a chain with a dependent on the side
const { graph } = buildGraph([
  ci({ kind: 'App', name: 'a', relations: [{ type: 'dependsOn', target: 'app:b' }] }),
  ci({ kind: 'App', name: 'b', relations: [{ type: 'dependsOn', target: 'app:c' }] }),
  ci({ kind: 'App', name: 'c', relations: [{ type: 'dependsOn', target: 'app:d' }] }),
  ci({ kind: 'App', name: 'd' }),
  ci({ kind: 'App', name: 'e', relations: [{ type: 'dependsOn', target: 'app:b' }] }),
]);
const view = (g: ReturnType<typeof focusGraph>) => ({ nodes: g.nodes().sort(), edges: g.mapEdges((_e, _a, s, t) => `${s}>${t}`).sort() });

describe('focusGraph', () => {
  it('keeps what lies within depth hops in both directions, with the edges among it', () => {
    expect(view(focusGraph(graph, 'app:b', 1))).toEqual({
      nodes: ['app:default/a', 'app:default/b', 'app:default/c', 'app:default/e'],
      edges: ['app:default/a>app:default/b', 'app:default/b>app:default/c', 'app:default/e>app:default/b'],
    });
    expect(view(focusGraph(graph, 'app:default/d', 0))).toEqual({ nodes: ['app:default/d'], edges: [] });
    expect(focusGraph(graph, 'APP:a', 10).order).toBe(5);
  });

  it('refuses a reference that names no CI, with a did-you-mean', () => {
    try {
      focusGraph(graph, 'app:bb', 1);
      expect.unreachable();
    } catch (e) {
      expect(isPlumbError(e) && [e.code, e.message, e.hint]).toEqual([
        'graph.unknown-ref',
        'there is no app:default/bb in the inventory',
        'did you mean app:default/b?',
      ]);
    }
  });
});
