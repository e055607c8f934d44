import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isScalar } from 'yaml';
import type { Origin, Place, RawDocument, RenderProvenance } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { parseYamlFile } from '../load/parse-yaml.js';
import { readYamlValue, yamlDocument, yamlDocuments } from '../yaml/yaml-documents.js';
import { CLUSTER_SCOPED_KINDS } from '../model/cluster-scoped.js';
import { groupOf, isBuiltinGroup } from '../model/kubernetes-kinds.js';
import { expandLists } from './expand-lists.js';
import { baseName, dirOf, joinInside } from './paths.js';
import { isRecord, jsonPatchOps, positioned, scalarLeaves, selectorMatches, strategicMergeLeaves, type PositionedFile } from './provenance.js';
import { decryptedFlatValues, decryptedValues, decryptSops, encryptedPointers, IDENTITY_POINTERS, isSopsEncrypted, sopsFormat } from './sops.js';
import { parsePointer } from '../model/json-pointer.js';
import type { FoundTool } from './tools.js';
import { secretScrubber } from '../redact/scrubber.js';
import type { HelmUnit, KustomizeUnit, RenderUnit } from './units.js';
import { helmValueFields } from './helm-values.js';

/** Settings one render takes beside the unit itself. */
export interface RenderSettings {
  /** `helm template --kube-version`. */
  readonly kubeVersion?: string;
  /** `helm template --api-versions`. */
  readonly apiVersions: readonly string[];
  readonly timeoutMs: number;
  readonly maxAliases: number;
  /**
   * Most bytes a tool may write for one unit (stdout): a few template lines can
   * render without end (`range until`), and each rendered megabyte costs about
   * 45 MB of memory to load (measured: 4.5 MB of ConfigMaps, 200 MB RSS).
   */
  readonly maxOutputBytes: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** What one unit rendered to: documents with their provenance, and what went wrong. */
export interface RenderOutput {
  readonly documents: readonly RawDocument[];
  readonly diagnostics: readonly Diagnostic[];
  /** False when the output must not be cached (a decryption or the tool failed). */
  readonly cacheable: boolean;
  /** True when an input was SOPS-encrypted: the output holds decrypted values and is kept in memory only, never written to the content cache. */
  readonly decrypted?: boolean;
}

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

/**
 * Renders one unit with the real tool, as Argo CD's repo-server does: the
 * unit's input files (read from the work tree or a Git revision, never a
 * checkout) are written into a private temporary directory — SOPS files
 * decrypted on the way (plaintext exists only there, mode 0600, removed when
 * the render ends) — and `kustomize build` / `helm template` runs there
 * without the network (proxy variables point at a closed port). The objects
 * come back with their provenance (Origin.file is the file a person edits;
 * Origin.render.fields the patches and values lines that set fields).
 * Never throws: a failing tool is a `render.failed` diagnostic at the unit's
 * file carrying the tool's first error line.
 *
 * @param inputs every file of `unit.inputs`, as text (UTF-8 checked by the caller)
 */
export async function renderUnit(unit: RenderUnit, inputs: ReadonlyMap<string, string>, tool: FoundTool, settings: RenderSettings): Promise<RenderOutput> {
  const dir = await mkdtemp(join(tmpdir(), 'plumb-render-'));
  try {
    const diagnostics: Diagnostic[] = [];
    const secretValues: string[] = [];
    const plain = new Map<string, string>();
    const encrypted = new Map<string, string[][]>();
    /** Decrypted dotenv, INI and binary files: their secret values, longest first. */
    const flat = new Map<string, string[]>();
    let decrypted = false;
    for (const [path, text] of inputs) {
      let content = text;
      if (isSopsEncrypted(text, path)) {
        decrypted = true;
        const result = await decryptSops(text, path, { timeoutMs: settings.timeoutMs, env: settings.env });
        if ('diagnostic' in result) {
          diagnostics.push(result.diagnostic);
          continue;
        }
        const format = sopsFormat(text, path)!;
        const pointers = format === 'yaml' || format === 'json' ? encryptedPointers(text) : undefined;
        if (pointers) encrypted.set(path, pointers);
        // dotenv, INI and binary files (secretGenerator envs and files) are secret whole
        const values = pointers ? decryptedValues(result.text, pointers) : decryptedFlatValues(format as 'dotenv' | 'ini' | 'binary', result.text);
        if (!pointers)
          flat.set(
            path,
            [...values].sort((a, b) => b.length - a.length),
          );
        secretScrubber.addAll(values); // secret in every output from now on
        secretValues.push(...values);
        content = result.text;
      }
      plain.set(path, content);
    }
    if (diagnostics.length) return { documents: [], diagnostics, cacheable: false };
    if (unit.tool === 'kustomize') addOriginAnnotations(unit, plain);
    for (const [path, content] of plain) {
      await mkdir(join(dir, 'repo', dirOf(path)), { recursive: true });
      await writeFile(join(dir, 'repo', path), content, { mode: 0o600 });
    }
    const args = unit.tool === 'kustomize' ? ['build', join(dir, 'repo', unit.dir)] : helmArgs(unit, dir, settings);
    const result = await run(tool.path, args, dir, settings);
    if (result.tooLarge) {
      return {
        documents: [],
        diagnostics: [
          {
            severity: 'error',
            code: 'render.output-too-large',
            message: `${tool.tool} rendered more than ${settings.maxOutputBytes} bytes for ${unit.id}; it is not loaded`,
            hint: 'render fewer objects (a loop over a large range?), or raise limits.maxFileBytes in plumb.yaml (a unit may render 4 times it)',
            file: unit.file,
            line: 1,
            column: 1,
          },
        ],
        cacheable: false,
      };
    }
    if (!result.ok) {
      return {
        documents: [],
        diagnostics: [
          {
            severity: 'error',
            code: result.timedOut ? 'render.timeout' : 'render.failed',
            message: result.timedOut
              ? `${tool.tool} took longer than ${settings.timeoutMs / 1000} s to render ${unit.id}`
              : `${tool.tool} ${tool.version} could not render ${unit.id}: ${secretValues.length ? "(its message is withheld: the unit renders values decrypted by SOPS, and a template's error may quote them in any form)" : toolError(result.stderr, dir)}`,
            hint: result.timedOut
              ? 'raise render.timeoutSeconds in plumb.yaml'
              : `run \`${unit.tool === 'kustomize' ? `kustomize build ${unit.dir}` : `helm template ${unit.release.name} ${unit.dir}`}\` to see the whole message`,
            file: unit.file,
            line: 1,
            column: 1,
          },
        ],
        cacheable: false,
      };
    }
    const rendered = unit.tool === 'kustomize' ? kustomizeDocuments(unit, result.stdout, plain, settings) : helmDocuments(unit, result.stdout, plain, settings);
    let documents = markSecrets(rendered.documents, secretValues);
    if (unit.tool === 'helm' && (encrypted.size || flat.size)) {
      // a template may derive from a decrypted value what no search finds (b64enc | b64enc,
      // upper, a substring): render again with every decrypted value changed, and every
      // field that then differs is secret
      for (const [path, pointers] of encrypted) await writeFile(join(dir, 'repo', path), substituted(plain.get(path)!, pointers), { mode: 0o600 });
      for (const [path, values] of flat) {
        const text = values.reduce((t, v) => t.split(v).join(shifted(v)), plain.get(path)!);
        await writeFile(join(dir, 'repo', path), text, { mode: 0o600 });
      }
      const again = await run(tool.path, args, dir, settings);
      const other = again.ok ? helmDocuments(unit, again.stdout, plain, settings).documents : undefined;
      documents = markDerived(documents, other);
    }
    return { documents, diagnostics: rendered.diagnostics, cacheable: true, ...(decrypted ? { decrypted } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Asks Kustomize to annotate each object with the file it came from (removed again from the output). */
function addOriginAnnotations(unit: KustomizeUnit, plain: Map<string, string>): void {
  const root = unit.kustomizations.get(unit.dir);
  if (!root || root.parsed.keepsOrigin) return;
  const text = plain.get(root.file);
  if (text === undefined) return;
  const doc = yamlDocument(text, { uniqueKeys: false });
  if (doc.errors.length || !isRecord(doc.toJS())) return;
  const existing = doc.get('buildMetadata');
  const list = Array.isArray((existing as { toJSON?: () => unknown } | undefined)?.toJSON?.()) ? (existing as { toJSON: () => string[] }).toJSON() : [];
  doc.set('buildMetadata', [...new Set([...list, 'originAnnotations'])]);
  plain.set(root.file, String(doc));
}

function helmArgs(unit: HelmUnit, dir: string, settings: RenderSettings): string[] {
  const args = ['template', unit.release.name, join(dir, 'repo', unit.dir), '--namespace', unit.release.namespace, '--skip-tests'];
  if (unit.release.includeCRDs) args.push('--include-crds');
  for (const v of unit.release.values) args.push('--values', join(dir, 'repo', v));
  for (const [key, value] of Object.entries(unit.release.set)) {
    const escaped = String(value).replace(/\\/g, '\\\\').replace(/,/g, '\\,');
    args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${escaped}`);
  }
  if (settings.kubeVersion) args.push('--kube-version', settings.kubeVersion);
  for (const a of settings.apiVersions) args.push('--api-versions', a);
  return args;
}

function kustomizeDocuments(unit: KustomizeUnit, stdout: string, plain: ReadonlyMap<string, string>, settings: RenderSettings) {
  const diagnostics: Diagnostic[] = [];
  const documents: RawDocument[] = [];
  const files = new Map<string, PositionedFile>();
  const fileOf = (path: string) => {
    let f = files.get(path);
    if (!f) files.set(path, (f = positioned(path, plain.get(path) ?? '')));
    return f;
  };
  const root = unit.kustomizations.get(unit.dir)!;
  const parsed = parseYamlFile(stdout, `${unit.file} (kustomize build)`, { maxAliases: settings.maxAliases, fast: false });
  diagnostics.push(...parsed.diagnostics);
  parsed.documents.forEach((raw) => {
    const object = raw.value as Record<string, unknown>;
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    const annotations = isRecord(metadata.annotations) ? { ...metadata.annotations } : {};
    const originText = typeof annotations[ORIGIN_ANNOTATION] === 'string' ? (annotations[ORIGIN_ANNOTATION] as string) : undefined;
    if (!root.parsed.keepsOrigin) {
      delete annotations[ORIGIN_ANNOTATION];
      delete annotations[TRANSFORMATIONS_ANNOTATION];
      const { annotations: _dropped, ...rest } = metadata;
      object.metadata = Object.keys(annotations).length ? { ...rest, annotations } : rest;
    }
    const where = originOf(originText, unit, fileOf, object);
    const fields: Record<string, Place> = {};
    for (const k of [...unit.kustomizations.values()].reverse()) {
      // transformer fields (namespace, namePrefix, labels, images, replicas), base first so an overlay's win
      const kFile = positioned(k.file, plain.get(k.file) ?? '');
      for (const t of k.parsed.transformers) {
        for (const pointer of transformedPointers(t.sets, object, where.originalName)) fields[pointer] = kFile.place(0, t.at);
      }
      k.parsed.patches.forEach((patch) => {
        const patchPlace = positioned(k.file, plain.get(k.file) ?? '').place(0, `/${patch.field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`);
        const patchPath = patch.path !== undefined ? joinInside(k.dir, patch.path) : undefined;
        const patchFile = patchPath !== undefined ? fileOf(patchPath) : undefined;
        const text = patchPath !== undefined ? plain.get(patchPath) : patch.inline;
        if (text === undefined) return;
        const looksJson = patch.json6902 || /^\s*(-\s+op:|\[)/.test(text);
        if (looksJson) {
          if (!patch.target || !selectorMatches(patch.target, object, where.originalName)) return;
          for (const op of jsonPatchOps(text)) fields[op.path] = patchFile ? patchFile.place(0, `/${op.index}`) : patchPlace;
          return;
        }
        const docs = patchFile ? patchFile.values : [safeParse(text)];
        docs.forEach((p, i) => {
          if (!isRecord(p)) return;
          const pm = isRecord(p.metadata) ? p.metadata : {};
          const picks = patch.target
            ? selectorMatches(patch.target, object, where.originalName)
            : p.kind === object.kind && (pm.name === where.originalName || pm.name === metadata.name);
          if (!picks) return;
          for (const leaf of strategicMergeLeaves(p, object, where.value)) fields[leaf.target] = patchFile ? patchFile.place(i, leaf.patch) : patchPlace;
        });
      });
    }
    const render: RenderProvenance = { unit: unit.id, tool: 'kustomize', resource: where.resource, ...(Object.keys(fields).length ? { fields } : {}) };
    const origin: Origin = { file: where.place.file, doc: where.doc, line: where.place.line, column: where.place.column, render };
    documents.push(...expandLists({ origin, value: object }));
  });
  return { documents, diagnostics };
}

/** The pointers of `object` a kustomization transformer sets. */
function transformedPointers(sets: string, object: Record<string, unknown>, originalName: string): string[] {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  const [what, arg = ''] = sets.includes(':') ? [sets.slice(0, sets.indexOf(':')), sets.slice(sets.indexOf(':') + 1)] : [sets, ''];
  switch (what) {
    case 'namespace':
      return metadata.namespace !== undefined ? ['/metadata/namespace'] : [];
    case 'name':
      return metadata.name !== originalName ? ['/metadata/name'] : [];
    case 'label':
      return isRecord(metadata.labels) && arg in metadata.labels ? [`/metadata/labels/${escape(arg)}`] : [];
    case 'annotation':
      return isRecord(metadata.annotations) && arg in metadata.annotations ? [`/metadata/annotations/${escape(arg)}`] : [];
    case 'replicas':
      return metadata.name === arg || originalName === arg ? ['/spec/replicas'] : [];
    case 'image': {
      const spec = isRecord(object.spec) && isRecord(object.spec.template) && isRecord(object.spec.template.spec) ? object.spec.template.spec : undefined;
      const out: string[] = [];
      for (const list of ['initContainers', 'containers'] as const) {
        const containers = spec && Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];
        containers.forEach((c, i) => {
          if (isRecord(c) && typeof c.image === 'string' && (c.image === arg || c.image.startsWith(`${arg}:`) || c.image.startsWith(`${arg}@`)))
            out.push(`/spec/template/spec/${list}/${i}/image`);
        });
      }
      return out;
    }
    default:
      return [];
  }
}

/** The file, document and original name an object came from, per Kustomize's origin annotation. */
function originOf(
  text: string | undefined,
  unit: KustomizeUnit,
  fileOf: (path: string) => PositionedFile,
  object: Record<string, unknown>,
): { place: Place; doc: number; resource: boolean; originalName: string; value?: unknown } {
  const name = isRecord(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
  const fallback = { place: { file: unit.file, line: 1, column: 1 }, doc: 0, resource: false, originalName: name };
  const origin = text ? (safeParse(text) as Record<string, unknown> | undefined) : undefined;
  if (!isRecord(origin)) return fallback;
  if (typeof origin.path === 'string' && origin.repo === undefined) {
    const path = joinInside(unit.dir, origin.path);
    if (path === undefined) return fallback;
    const file = fileOf(path);
    // the document of that file with the same kind whose name the output's name contains (prefixes, suffixes)
    let best = -1;
    file.values.forEach((v, i) => {
      if (best >= 0 || !isRecord(v) || v.kind !== object.kind) return;
      const n = isRecord(v.metadata) ? v.metadata.name : undefined;
      if (typeof n === 'string' && name.includes(n)) best = i;
    });
    if (best < 0) best = file.values.findIndex((v) => isRecord(v) && v.kind === object.kind);
    if (best < 0) return { ...fallback, place: { file: path, line: 1, column: 1 } };
    const v = file.values[best] as Record<string, unknown>;
    const originalName = isRecord(v.metadata) && typeof v.metadata.name === 'string' ? v.metadata.name : name;
    return { place: file.place(best, ''), doc: best, resource: true, originalName, value: v };
  }
  if (typeof origin.configuredIn === 'string') {
    const path = joinInside(unit.dir, origin.configuredIn) ?? unit.file;
    const k = [...unit.kustomizations.values()].find((x) => x.file === path);
    const kind = isRecord(origin.configuredBy) ? String(origin.configuredBy.kind ?? '') : '';
    const field = kind === 'SecretGenerator' ? 'secretGenerator' : kind === 'ConfigMapGenerator' ? 'configMapGenerator' : '';
    const file = fileOf(k?.file ?? path);
    return { ...fallback, place: field ? file.place(0, `/${field}`) : { file: file.file, line: 1, column: 1 } };
  }
  return fallback;
}

function helmDocuments(unit: HelmUnit, stdout: string, plain: ReadonlyMap<string, string>, settings: RenderSettings) {
  const diagnostics: Diagnostic[] = [];
  const documents: RawDocument[] = [];
  const valuesFiles = [...new Set([`${unit.dir}/values.yaml`, ...unit.release.values])].filter((v) => plain.has(v)).map((v) => positioned(v, plain.get(v)!));
  // helm separates documents with "---" and names the template of each in a "# Source:" comment
  const chunks = stdout.split(/^---[ \t]*$/m);
  for (const chunk of chunks) {
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim();
    if (!source) continue;
    const file = templateFile(unit, source);
    const parsed = parseYamlFile(chunk, file, { maxAliases: settings.maxAliases, fast: false });
    for (const d of parsed.diagnostics) diagnostics.push({ ...d, message: `rendered by ${unit.id}: ${d.message}`, line: 1, column: 1 });
    for (const raw of parsed.documents) {
      const object = raw.value as Record<string, unknown>;
      const annotations = isRecord(object.metadata) && isRecord(object.metadata.annotations) ? object.metadata.annotations : {};
      if (typeof annotations[HELM_HOOK_ANNOTATION] === 'string') {
        diagnostics.push({
          severity: 'warning',
          code: 'render.helm-hook',
          message: `${String(object.kind)} ${String((object.metadata as Record<string, unknown>).name ?? (object.metadata as Record<string, unknown>).generateName ?? '')} is a helm hook (${String(annotations[HELM_HOOK_ANNOTATION])}) of ${unit.id}; plumb has no hook phases, so it is left out of the desired state`,
          hint: 'run hooks with helm itself, or turn the object into a plain template if it should always exist',
          file,
          line: 1,
          column: 1,
        });
        continue;
      }
      // as `helm install` does: namespaced objects without a namespace go to the release's
      // (a custom kind named like a cluster-scoped built-in one, an example.com Node, is namespaced as its CRD says)
      const builtinClusterScoped = CLUSTER_SCOPED_KINDS.has(String(object.kind)) && isBuiltinGroup(groupOf(String(object.apiVersion ?? '')));
      if (isRecord(object.metadata) && object.metadata.namespace === undefined && !builtinClusterScoped) {
        object.metadata = { ...object.metadata, namespace: unit.release.namespace };
      }
      const fields = helmValueFields(object, plain.get(file) ?? '', templateHelpers(unit, file, plain), valuesFiles);
      const render: RenderProvenance = { unit: unit.id, tool: 'helm', resource: false, ...(Object.keys(fields).length ? { fields } : {}) };
      documents.push(...expandLists({ origin: { file, doc: 0, line: 1, column: 1, render }, value: object }));
    }
  }
  return { documents, diagnostics };
}

/** `# Source: <chart>/templates/x.yaml` → `<chart dir>/templates/x.yaml` (subcharts: `<chart dir>/charts/sub/…`). */
function templateFile(unit: HelmUnit, source: string): string {
  const rest = source.slice(source.indexOf('/') + 1);
  return unit.dir ? `${unit.dir}/${rest}` : rest;
}

/** The helper templates (`_*.tpl`) beside a template: where `include`d snippets read values. */
function templateHelpers(unit: HelmUnit, file: string, plain: ReadonlyMap<string, string>): string {
  const dir = dirOf(file);
  return [...plain.entries()]
    .filter(([p]) => dirOf(p) === dir && /^_.*\.tpl$/.test(baseName(p)))
    .map(([, t]) => t)
    .join('\n');
}

/**
 * Marks, in every rendered object, the fields whose string values carry a value
 * SOPS decrypted (a chart or kustomization copying a decrypted value into a
 * ConfigMap, an env var…): those fields are secret like the file they came
 * from. Values shorter than 4 characters are not traced (too many false marks).
 */
function markSecrets(documents: readonly RawDocument[], secretValues: readonly string[]): RawDocument[] {
  const values = [...new Set(secretValues)].filter((v) => v.length >= 4);
  if (values.length === 0) return [...documents];
  return documents.map((d) => {
    const secrets = scalarLeaves(d.value)
      .filter((l) => values.some((v) => l.value.includes(v) || l.value.includes(Buffer.from(v).toString('base64'))))
      .map((l) => l.pointer);
    return secrets.length ? { ...d, secrets } : d;
  });
}

/**
 * `text` (a decrypted SOPS file) with the value at each of its encrypted
 * pointers changed, keeping its type: every character of a string shifted, a
 * number plus one, a boolean flipped.
 */
/** `value` with every letter and digit shifted by one (z to a, 9 to 0) and an `x` added: a different value of the same kind. */
function shifted(value: string): string {
  return (
    [...value]
      .map((c) =>
        String.fromCodePoint(
          /[a-y]/i.test(c) || /[0-8]/.test(c) ? c.codePointAt(0)! + 1 : c === 'z' ? 97 : c === 'Z' ? 65 : c === '9' ? 48 : c.codePointAt(0)!,
        ),
      )
      .join('') + 'x'
  );
}

function substituted(text: string, pointers: readonly (readonly string[])[]): string {
  return yamlDocuments(text, { uniqueKeys: false })
    .map((doc, i) => {
      for (const pointer of pointers[i] ?? []) {
        const path = parsePointer(pointer);
        const v = doc.getIn(path) as unknown;
        const value = isScalar(v) ? v.value : v;
        const next = typeof value === 'string' ? shifted(value) : typeof value === 'number' ? value + 1 : typeof value === 'boolean' ? !value : value;
        doc.setIn(path, next);
      }
      return String(doc);
    })
    .join('---\n');
}

/**
 * Marks secret every field of `documents` (a render with the decrypted values)
 * that differs in `other` (the same render with those values changed), or, when
 * the two renders do not line up (a value decided which objects exist, or the
 * second render failed), every field but the objects' identity.
 */
function markDerived(documents: readonly RawDocument[], other: readonly RawDocument[] | undefined): RawDocument[] {
  const aligned = other !== undefined && other.length === documents.length;
  return documents.map((d, i) => {
    const theirs = aligned ? new Map(scalarLeaves(other[i].value).map((l) => [l.pointer, l.value])) : undefined;
    const derived = scalarLeaves(d.value)
      .filter((l) => (theirs ? theirs.get(l.pointer) !== l.value : !IDENTITY_POINTERS.has(l.pointer)))
      .map((l) => l.pointer);
    if (theirs)
      secretScrubber.addAll(
        scalarLeaves(d.value)
          .filter((l) => derived.includes(l.pointer))
          .map((l) => l.value),
      );
    const secrets = [...new Set([...(d.secrets ?? []), ...derived])];
    return secrets.length ? { ...d, secrets } : d;
  });
}

function safeParse(text: string): unknown {
  try {
    return readYamlValue(text, { maxAliases: 100, uniqueKeys: false });
  } catch {
    return undefined;
  }
}

/** The tool's first error line, without the temporary directory's path. */
function toolError(stderr: string, dir: string): string {
  const line =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^(WARNING|W\d{4})/.test(l)) ?? 'no message';
  return line.split(`${dir}/repo/`).join('').split(join(dir, 'repo')).join('.').slice(0, 400);
}

interface RunResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly tooLarge: boolean;
}

function run(bin: string, args: string[], dir: string, settings: RenderSettings): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {
    ...(settings.env ?? process.env),
    // no network at render time: a tool that tries gets a closed port on loopback
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    NO_PROXY: '',
    no_proxy: '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'file',
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
  };
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: dir, env, timeout: settings.timeoutMs, maxBuffer: settings.maxOutputBytes }, (error, stdout, stderr) => {
      const e = error as { killed?: boolean; signal?: string; code?: string } | null;
      const tooLarge = e?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr), timedOut: !tooLarge && Boolean(e?.killed && e.signal), tooLarge });
    });
  });
}
