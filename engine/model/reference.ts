/**
 * References and identities (after Backstage): `kind:namespace/name`, kind
 * case-insensitive; `kind:name` means the referring CI's namespace. Identities are
 * canonical references: kind lowercased, namespace always present.
 * Cluster-scoped Kubernetes objects use the namespace `_cluster`.
 */
export const DEFAULT_NAMESPACE = 'default';
export const CLUSTER_NAMESPACE = '_cluster';

/** DNS-subdomain-like names, at most 253 characters (docs/architecture.md). */
export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 253;

export interface ParsedRef {
  readonly kind: string; // lowercased
  readonly namespace: string;
  readonly name: string;
}

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

/**
 * Builds an identity. `kind` may be given in any case. The answer is one flat
 * string: V8 keeps a concatenation as a tree of its pieces (a 35-character id
 * took ~160 bytes, its name a slice holding the parent text alive) until
 * something reads its characters; reading one here flattens it in place
 * (~65 bytes), which matters for the 100k-odd ids a large plan keeps.
 */
export function makeId(kind: string, namespace: string, name: string): string {
  const id = `${kind.toLowerCase()}:${namespace}/${name}`;
  id.charCodeAt(0);
  return id;
}

/**
 * Parses a reference; `defaultNamespace` fills `kind:name`. Returns undefined
 * when the text is not a reference at all (no kind, empty parts).
 */
export function parseRef(text: string, defaultNamespace: string = DEFAULT_NAMESPACE): ParsedRef | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash < 0 ? defaultNamespace : rest.slice(0, slash);
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  if (!namespace || !name || name.includes('/') || !/^[a-z0-9._-]+$/i.test(kind)) return undefined;
  return { kind, namespace, name };
}

/** Resolves a reference text to an identity, or undefined when it is malformed. */
export function refToId(text: string, defaultNamespace: string = DEFAULT_NAMESPACE): string | undefined {
  const r = parseRef(text, defaultNamespace);
  return r && makeId(r.kind, r.namespace, r.name);
}

export function splitId(id: string): ParsedRef {
  const r = parseRef(id);
  if (!r) throw new Error(`not an identity: ${id}`);
  return r;
}
