import { readYamlValue } from '../yaml/yaml-documents.js';

/** The file names Kustomize accepts for a kustomization, in the order it looks for them. */
export const KUSTOMIZATION_FILES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** One path a kustomization names, with the field it came from (for diagnostics). */
export interface KustomizationRef {
  readonly field: string;
  readonly ref: string;
  /** A resource or component entry (a file, or a directory holding another kustomization). */
  readonly resourceLike: boolean;
}

/** One patch a kustomization applies, as written. */
export interface KustomizationPatch {
  /** Index in `patches` (or the legacy field), for the diagnostic position. */
  readonly field: string;
  readonly path?: string;
  readonly inline?: string;
  readonly target?: Readonly<Record<string, unknown>>;
  /** `patchesJson6902` entries are JSON patches even when they look like YAML maps. */
  readonly json6902?: boolean;
}

/** A transformer field of a kustomization that sets fields of every object (namespace, namePrefix, labels…). */
export interface KustomizationTransformer {
  /** JSON Pointer of the field in the kustomization (`/namespace`, `/images/0`). */
  readonly at: string;
  /** What it sets: `namespace`, `name`, `label:<key>`, `annotation:<key>`, `image:<name>`, `replicas:<name>`. */
  readonly sets: string;
}

export interface ParsedKustomization {
  readonly refs: readonly KustomizationRef[];
  readonly transformers: readonly KustomizationTransformer[];
  readonly patches: readonly KustomizationPatch[];
  /** `buildMetadata` already asks for origin annotations (plumb then leaves them on the objects). */
  readonly keepsOrigin: boolean;
}

/**
 * The paths and patches of a kustomization.yaml. Only what plumb needs to find
 * a unit's inputs and to say which patch set a field: everything else is
 * Kustomize's to interpret (and to reject, with its own message). Text that is
 * not YAML yields no references; `kustomize build` then reports it.
 */
export function parseKustomization(text: string): ParsedKustomization {
  let doc: unknown;
  try {
    doc = readYamlValue(text, { maxAliases: 100, uniqueKeys: false });
  } catch {
    return { refs: [], transformers: [], patches: [], keepsOrigin: false };
  }
  if (!isRecord(doc)) return { refs: [], transformers: [], patches: [], keepsOrigin: false };
  const refs: KustomizationRef[] = [];
  const patches: KustomizationPatch[] = [];
  const add = (field: string, value: unknown, resourceLike = false) => {
    if (typeof value === 'string' && value.trim()) refs.push({ field, ref: value.trim(), resourceLike });
  };
  for (const field of ['resources', 'bases', 'components']) {
    list(doc[field]).forEach((r, i) => add(`${field}[${i}]`, r, true));
  }
  for (const field of ['crds', 'configurations', 'generators', 'transformers', 'validators']) {
    // generators/transformers entries may be inline YAML documents rather than paths
    list(doc[field]).forEach((r, i) => typeof r === 'string' && !r.includes('\n') && add(`${field}[${i}]`, r, field !== 'crds' && field !== 'configurations'));
  }
  if (isRecord(doc.openapi)) add('openapi.path', doc.openapi.path);
  list(doc.replacements).forEach((r, i) => isRecord(r) && add(`replacements[${i}].path`, r.path));
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    list(doc[field]).forEach((g, i) => {
      if (!isRecord(g)) return;
      list(g.files).forEach((f, j) => typeof f === 'string' && add(`${field}[${i}].files[${j}]`, f.includes('=') ? f.slice(f.indexOf('=') + 1) : f));
      list(g.envs).forEach((f, j) => add(`${field}[${i}].envs[${j}]`, f));
      add(`${field}[${i}].env`, g.env);
    });
  }
  list(doc.patches).forEach((p, i) => {
    if (!isRecord(p)) return;
    const target = isRecord(p.target) ? p.target : undefined;
    if (typeof p.path === 'string') {
      add(`patches[${i}].path`, p.path);
      patches.push({ field: `patches[${i}]`, path: p.path, ...(target ? { target } : {}) });
    } else if (typeof p.patch === 'string') patches.push({ field: `patches[${i}]`, inline: p.patch, ...(target ? { target } : {}) });
  });
  list(doc.patchesStrategicMerge).forEach((p, i) => {
    if (typeof p !== 'string') return;
    if (p.includes('\n')) patches.push({ field: `patchesStrategicMerge[${i}]`, inline: p });
    else {
      add(`patchesStrategicMerge[${i}]`, p);
      patches.push({ field: `patchesStrategicMerge[${i}]`, path: p });
    }
  });
  list(doc.patchesJson6902).forEach((p, i) => {
    if (!isRecord(p)) return;
    const target = isRecord(p.target) ? p.target : undefined;
    if (typeof p.path === 'string') {
      add(`patchesJson6902[${i}].path`, p.path);
      patches.push({ field: `patchesJson6902[${i}]`, path: p.path, json6902: true, ...(target ? { target } : {}) });
    } else if (typeof p.patch === 'string') patches.push({ field: `patchesJson6902[${i}]`, inline: p.patch, json6902: true, ...(target ? { target } : {}) });
  });
  const keepsOrigin = list(doc.buildMetadata).includes('originAnnotations');
  const transformers: KustomizationTransformer[] = [];
  if (typeof doc.namespace === 'string') transformers.push({ at: '/namespace', sets: 'namespace' });
  for (const f of ['namePrefix', 'nameSuffix']) if (typeof doc[f] === 'string') transformers.push({ at: `/${f}`, sets: 'name' });
  for (const [field, kind] of [
    ['commonLabels', 'label'],
    ['commonAnnotations', 'annotation'],
  ] as const) {
    if (isRecord(doc[field]))
      for (const k of Object.keys(doc[field] as object))
        transformers.push({ at: `/${field}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, sets: `${kind}:${k}` });
  }
  list(doc.labels).forEach((l, i) => {
    if (isRecord(l) && isRecord(l.pairs))
      for (const k of Object.keys(l.pairs)) transformers.push({ at: `/labels/${i}/pairs/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, sets: `label:${k}` });
  });
  list(doc.images).forEach((img, i) => isRecord(img) && typeof img.name === 'string' && transformers.push({ at: `/images/${i}`, sets: `image:${img.name}` }));
  list(doc.replicas).forEach((r, i) => isRecord(r) && typeof r.name === 'string' && transformers.push({ at: `/replicas/${i}`, sets: `replicas:${r.name}` }));
  return { refs, transformers, patches, keepsOrigin };
}

/**
 * True for a reference Kustomize would fetch over the network: a URL, an scp-like
 * Git address, a `github.com/…` style path or anything with `?ref=` / `//` subpaths.
 */
export function isRemoteRef(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) ||
    /[?&]ref=/.test(ref) ||
    /\.git(\/\/|$|\?)/.test(ref)
  );
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
