import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinSchemasDir } from '../config/package-dir.js';
import { addOpenApiDocument, compactNode, type CompactSchemas, type SchemaNode } from './compact-schema.js';

/** The Kubernetes version whose types `plumb validate` checks offline (the same as test/cluster's API server). */
export const PINNED_KUBERNETES_VERSION = 'v1.36.3';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

let pinned: CompactSchemas | undefined;

/**
 * The pinned schemas of every built-in kind: schemas/kubernetes/openapi-v1.36.3.json,
 * compacted from the official OpenAPI v3 spec of k8s.io/kubernetes (see
 * test/openapi/compact-openapi.ts). Read once per process (~230 KB, ~5 ms).
 */
export function pinnedSchemas(): CompactSchemas {
  if (!pinned)
    pinned = JSON.parse(readFileSync(join(builtinSchemasDir(), 'kubernetes', `openapi-${PINNED_KUBERNETES_VERSION}.json`), 'utf8')) as CompactSchemas;
  return pinned;
}

/**
 * The schemas one check uses: the pinned built-in ones, plus the custom kinds of
 * CRDs (from the inventory, or served by a live API server), plus — when a live
 * server answered — its own `/openapi/v3` documents, which take precedence.
 */
export class SchemaSet {
  private readonly kinds: Record<string, string | SchemaNode>;
  private readonly defs: Record<string, SchemaNode>;

  /**
   * The base's kinds and definitions are this set's prototypes, not copies: what it adds (CRDs, a server's
   * documents) shadows them and leaves the base as it is, and every read is by name (`kinds[key]`, `defs[ref]`,
   * never enumerated). Copying the pinned ~1,000 definitions cost each new set (a plan makes three) 0.5–4 ms.
   */
  constructor(base: CompactSchemas = pinnedSchemas()) {
    this.kinds = Object.create(base.kinds) as Record<string, string | SchemaNode>;
    this.defs = Object.create(base.defs) as Record<string, SchemaNode>;
  }

  /** Adds a CRD's versions (its `openAPIV3Schema`s); a CRD without schemas adds nothing. */
  addCrd(crd: Readonly<Record<string, unknown>>): void {
    const spec = crd.spec as { group?: unknown; names?: { kind?: unknown }; versions?: unknown } | undefined;
    if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string' || !Array.isArray(spec.versions)) return;
    for (const v of spec.versions as { name?: unknown; schema?: { openAPIV3Schema?: Record<string, unknown> } }[]) {
      const raw = v?.schema?.openAPIV3Schema;
      if (typeof v?.name !== 'string' || !raw || typeof raw !== 'object') continue;
      const node = compactNode(raw);
      // every custom resource has the standard ObjectMeta, whatever its schema says about metadata
      node.p = { ...(node.p ?? {}), apiVersion: { t: 'string' }, kind: { t: 'string' }, metadata: { r: OBJECT_META } };
      this.kinds[`${spec.group}/${v.name}/${spec.names.kind}`] = node;
    }
  }

  /** Adds a live server's OpenAPI v3 document of one group-version (replaces the pinned kinds it defines). */
  addOpenApiDocument(doc: Record<string, unknown>): void {
    const into = { kinds: {} as Record<string, string>, defs: {} as Record<string, SchemaNode> };
    addOpenApiDocument(doc, into);
    Object.assign(this.defs, into.defs);
    Object.assign(this.kinds, into.kinds);
  }

  /** The schema of `apiVersion` + `kind`, or undefined when this set does not know the type. */
  schemaOf(apiVersion: string, kind: string): { root: SchemaNode; defs: Readonly<Record<string, SchemaNode>> } | undefined {
    const entry = this.kinds[`${apiVersion}/${kind}`];
    if (entry === undefined) return undefined;
    return { root: typeof entry === 'string' ? { r: entry } : entry, defs: this.defs };
  }
}
