import { compareQuantities } from './quantity.js';
import { pinnedSchemas, SchemaSet } from './schema-set.js';
import type { SchemaNode } from './compact-schema.js';

/** Decides whether two different scalars at a logical path mean the same value. */
export type ValueEquality = (path: readonly string[], desired: unknown, observed: unknown) => boolean;

let shared: SchemaSet | undefined;

/**
 * Kubernetes' own value semantics for one kind, the single normalisation every
 * provider's comparison uses for Kubernetes objects (engine/diff): at a field the
 * schema types as a resource quantity, values are equal when apimachinery's
 * `Quantity.Cmp` says so (`1000m` = `1`, `1024Mi` = `1Gi`, `1000M` = `1G`, a YAML
 * number 1 = `"1"`); an int-or-string keeps its type (`80` ≠ `"80"`: the API
 * stores them differently); everything else compares as written. Paths are the
 * diff's logical ones (name-keyed list entries by name). Unknown kinds: no
 * equivalences. Empty versus absent is the comparison's own rule (an empty
 * mapping, list or null declared where the object has nothing is no change).
 */
export function kubernetesValueEquality(apiVersion: string, kind: string, schemas?: SchemaSet): ValueEquality | undefined {
  const set = schemas ?? (shared ??= new SchemaSet(pinnedSchemas()));
  const schema = set.schemaOf(apiVersion, kind);
  if (!schema) return undefined;
  const { root, defs } = schema;
  return (path, desired, observed) => {
    let node: SchemaNode | undefined = root;
    for (const seg of path) {
      node = resolve(node, defs);
      if (!node) return false;
      node = node.t === 'array' || node.i ? node.i : (node.p?.[seg] ?? node.a);
    }
    node = node && resolve(node, defs);
    return node?.t === 'quantity' && compareQuantities(desired, observed) === 0;
  };
}

function resolve(node: SchemaNode | undefined, defs: Readonly<Record<string, SchemaNode>>): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n?.r && i < 8; i++) n = defs[n.r];
  return n;
}
