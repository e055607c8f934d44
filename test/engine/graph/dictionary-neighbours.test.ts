import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { useDictionaryNeighbours } from '../../../engine/graph/dictionary-neighbours.js';

const MODULE = fileURLToPath(new URL('../../../engine/graph/dictionary-neighbours.ts', import.meta.url));

/** The same edits on a graph, with its answers: what a reader of the graph can see. */
function exercise(graph: MultiDirectedGraph): unknown {
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) graph.addNode(n);
  graph.addEdge('a', 'b', { type: 'runsOn' });
  graph.addEdge('a', 'b', { type: 'dependsOn' });
  graph.addEdge('b', 'c', {});
  graph.addEdge('c', 'a', {});
  graph.addEdge('a', 'a', {});
  graph.addEdge('e', 'f', {});
  graph.addEdge('f', 'g', {});
  const key = graph.addEdge('d', 'a', {});
  const seen = () =>
    graph.mapNodes((n) => ({
      n,
      out: graph.outNeighbors(n),
      in: graph.inNeighbors(n),
      degree: [graph.inDegree(n), graph.outDegree(n)],
      edges: graph.outEdges(n).map((e) => [graph.source(e), graph.target(e), graph.getEdgeAttributes(e)]),
      toB: graph.hasDirectedEdge(n, 'b'),
    }));
  const before = seen();
  graph.dropEdge(key);
  graph.dropNode('c');
  const after = seen();
  graph.clearEdges();
  graph.addEdge('g', 'e', {});
  return { before, after, cleared: seen() };
}

describe("graphology's neighbour objects in dictionary mode", () => {
  it('a graph answers alike (neighbours, degrees, parallel edges, self-loops, drops, clearEdges)', () => {
    // what an unpatched graphology answers, computed in a process that never patched it
    const unpatched = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { MultiDirectedGraph } from 'graphology'; const exercise = ${exercise.toString()}; process.stdout.write(JSON.stringify(exercise(new MultiDirectedGraph({ allowSelfLoops: true }))));`,
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../', import.meta.url)) },
    );
    expect(unpatched.stderr).toBe('');
    useDictionaryNeighbours();
    expect(JSON.parse(JSON.stringify(exercise(new MultiDirectedGraph({ allowSelfLoops: true }))))).toEqual(JSON.parse(unpatched.stdout));
  });

  it('the objects are in dictionary mode (V8 made a hidden class per key sequence of fast ones) and still have Object.prototype', () => {
    const script = `
      const { MultiDirectedGraph } = await import('graphology');
      const { useDictionaryNeighbours } = await import(${JSON.stringify(MODULE)});
      const node = (g) => g._nodes.get('a');
      const before = new MultiDirectedGraph(); before.addNode('a'); before.addNode('b'); before.addEdge('a', 'b');
      useDictionaryNeighbours();
      const after = new MultiDirectedGraph(); after.addNode('a'); after.addNode('b'); after.addEdge('a', 'b');
      const out = node(after).out;
      console.log(JSON.stringify({ before: %HasFastProperties(node(before).out), after: %HasFastProperties(out), proto: Object.getPrototypeOf(out) === Object.prototype, own: out.hasOwnProperty('b') }));
    `;
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: true, after: false, proto: true, own: true });
  }, 30_000);
});
