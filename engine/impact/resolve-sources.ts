import type { CIGraph } from '../graph/types.js';
import { PlumbError } from '../model/errors.js';
import { refToId } from '../model/reference.js';
import { didYouMean } from '../model/did-you-mean.js';

/**
 * The identities command-line references name: `kind:namespace/name`, or
 * `kind:name` for the default namespace (as kubectl without -n). Every
 * reference is checked before any is refused, so one error names all the
 * misses, each with a did-you-mean when one is close.
 *
 * @throws PlumbError `ref.malformed` for text that is not a reference;
 *   `impact.unknown-ref` (data: `{refs}`) for references to no CI in the graph.
 */
export function resolveSources(graph: CIGraph, refs: readonly string[]): string[] {
  const ids: string[] = [];
  const misses: Array<{ ref: string; id: string; near?: string }> = [];
  for (const ref of refs) {
    const id = refToId(ref);
    if (id === undefined) {
      throw new PlumbError('ref.malformed', `"${ref}" is not a reference`, { hint: 'write kind:name or kind:namespace/name, e.g. database:shop/orders-db' });
    }
    if (graph.hasNode(id)) ids.push(id);
    else misses.push({ ref, id });
  }
  if (misses.length === 0) return ids;
  // One pass over the identities per miss, and only on the error path.
  const nodes = graph.nodes();
  for (const miss of misses) miss.near = sameNameElsewhere(miss.id, nodes) ?? didYouMean(miss.id, nodes);
  const near = misses.filter((m) => m.near).map((m) => (misses.length === 1 ? `${m.near}` : `${m.near} for ${m.ref}`));
  throw new PlumbError('impact.unknown-ref', `there is no ${misses.map((m) => m.id).join(', ')} in the inventory`, {
    hint: near.length > 0 ? `did you mean ${near.join(', ')}?` : 'list the CIs with `plumb graph -o json`; kind:name means the default namespace',
    data: { refs: misses.map((m) => m.ref) },
  });
}

/** A CI of the same kind and name in another namespace — the usual miss with `kind:name`. */
function sameNameElsewhere(id: string, nodes: readonly string[]): string | undefined {
  const kind = id.slice(0, id.indexOf(':') + 1);
  const name = id.slice(id.lastIndexOf('/'));
  return nodes.filter((n) => n.startsWith(kind) && n.endsWith(name) && n.indexOf('/') === n.lastIndexOf('/')).sort()[0];
}
