import { MultiDirectedGraph } from 'graphology';

/**
 * Makes graphology keep each directed node's neighbours (its `in` and `out`
 * objects, keyed by neighbour id) in V8's dictionary mode from the start.
 *
 * graphology creates them as `{}` and adds one property per neighbour. V8
 * gives a fast-mode object a hidden class per sequence of keys it was given,
 * and with CI ids as keys nearly every edge made a new one: 36,822 hidden
 * classes for a 10k-CI repository (2.8 MB of maps beside 2.4 MB of the objects
 * themselves), all kept as long as the graph — the largest part of what
 * validation adds to a plan's live set. In dictionary mode every such object
 * has one shared class and a small hash table. Measured on the 100k-CI bench
 * repository (`plumb plan -o json`, three runs each, same machine and load):
 * cold peak RSS 547/603/599 → 539/543/536 MiB and CPU 12.1–12.5 → 11.1–11.5 s
 * (the class transitions were work too); warm CPU 6.1–6.3 → 5.7–5.8 s. The
 * same answers: every read graphology does (`out[target]`, `for…in`,
 * `hasOwnProperty`) behaves alike on both.
 *
 * graphology exports no handle on its node-data class, so it is reached
 * through a node of a throwaway graph, and its `clear` (which the constructor
 * and `clearEdges` call to make the objects) is wrapped once for the process.
 * A graphology whose node data is shaped otherwise is left as it is.
 */
export function useDictionaryNeighbours(): void {
  if (patched) return;
  patched = true;
  const probe = new MultiDirectedGraph();
  probe.addNode('probe');
  const data = (probe as unknown as { _nodes?: Map<string, NeighbourData> })._nodes?.get('probe');
  const proto = data && (Object.getPrototypeOf(data) as { clear?: (this: NeighbourData) => void });
  const clear = proto?.clear;
  if (!proto || typeof clear !== 'function' || !isPlainObject(data.in) || !isPlainObject(data.out)) return;
  proto.clear = function (this: NeighbourData) {
    clear.call(this);
    this.in = dictionaryObject();
    this.out = dictionaryObject();
  };
}

let patched = false;

interface NeighbourData {
  in?: unknown;
  out?: unknown;
}

/** An empty object in dictionary mode that still has Object.prototype (graphology calls `hasOwnProperty` on it): `Object.create(null)` is made in dictionary mode, and setting its prototype keeps it so. */
export function dictionaryObject(): Record<string, unknown> {
  return Object.setPrototypeOf(Object.create(null), Object.prototype) as Record<string, unknown>;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
