/**
 * Tarjan's strongly connected components, iterative (no recursion, so a chain of
 * 100,000 CIs does not overflow the stack) and linear in nodes + edges. The graph
 * is given as compressed adjacency: the successors of node `v` are
 * `targets[offsets[v] .. offsets[v + 1])`.
 *
 * Returns the components with more than one node, plus single nodes with a
 * self-loop — exactly the components that contain a cycle.
 */
export function cyclicComponents(nodeCount: number, offsets: Int32Array, targets: Int32Array): number[][] {
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const stack: number[] = [];
  const callStack: number[] = []; // pairs: node, next edge position
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1 || offsets[root] === offsets[root + 1]) continue;
    callStack.push(root, offsets[root]);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length > 0) {
      const top = callStack.length - 2;
      const v = callStack[top];
      const edge = callStack[top + 1];
      if (edge < offsets[v + 1]) {
        callStack[top + 1] = edge + 1;
        const w = targets[edge];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push(w, offsets[w]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      callStack.length = top;
      if (top > 0) {
        const parent = callStack[top - 2];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || hasSelfLoop(v, offsets, targets)) components.push(component);
    }
  }
  return components;
}

function hasSelfLoop(v: number, offsets: Int32Array, targets: Int32Array): boolean {
  for (let e = offsets[v]; e < offsets[v + 1]; e++) if (targets[e] === v) return true;
  return false;
}
