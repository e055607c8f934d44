import { createHash } from 'node:crypto';
import type { PlumbConfig } from '../config/types.js';
import type { RawDocument } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { FileSource } from '../load/file-source.js';
import { readTextFiles } from '../load/read-files.js';
import { renderUnit, type RenderOutput } from './render-unit.js';
import { findTool, INSTALL_HINT, type FoundTool } from './tools.js';
import type { RenderUnit, UnitDiscovery } from './units.js';
import type { ContentCache } from '../cache/content-cache.js';
import { holdsSecretValues } from '../redact/scrubber.js';

/** Namespace of rendered units in the content cache. */
const RENDER_NAMESPACE = 'render';

/** What the loader reports about one unit (LoadedRepository.renders, `plumb validate -o json`). */
export interface RenderedUnit {
  readonly id: string;
  readonly tool: 'kustomize' | 'helm';
  /** The tool version used, `vX.Y.Z` (or `unknown`); absent when the tool is missing. */
  readonly toolVersion?: string;
  /** The unit's file (kustomization.yaml, Chart.yaml). */
  readonly file: string;
  /** Helm: the Kubernetes version it rendered for (`--kube-version`); absent: helm's default. */
  readonly kubeVersion?: string;
  /** SHA-256 over the tool, its version, the settings (Helm: release, Kubernetes version and API versions) and every input's path and Git blob id: the cache key. */
  readonly key: string;
  /** `rendered` (ran the tool), `cached` (same key seen before in this process), `failed`, `skipped` (tool missing with onMissingTool: warn). */
  readonly status: 'rendered' | 'cached' | 'failed' | 'skipped';
  readonly objects: number;
}

/**
 * Rendered outputs by key, shared by every load of the process (review base and
 * head, controller rounds, the TUI). Least recently used first out, bounded by
 * units and by the objects they hold together, so a long-running controller
 * stays within memory whatever the charts render.
 */
export class RenderCache {
  private readonly entries = new Map<string, RenderOutput>();
  private objects = 0;
  /** Renders run (cache misses) and answers served, since the process started or `reset`. */
  readonly stats = { renders: 0, hits: 0 };
  /**
   * @param capacity most units kept
   * @param maxObjects most rendered objects kept, all units together
   */
  constructor(
    private readonly capacity = 512,
    private readonly maxObjects = 200_000,
  ) {}
  get(key: string): RenderOutput | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }
  set(key: string, output: RenderOutput): void {
    const old = this.entries.get(key);
    if (old) this.objects -= old.documents.length;
    this.entries.set(key, output);
    this.objects += output.documents.length;
    while (this.entries.size > 1 && (this.entries.size > this.capacity || this.objects > this.maxObjects)) {
      const oldest = this.entries.keys().next().value as string;
      this.objects -= this.entries.get(oldest)!.documents.length;
      this.entries.delete(oldest);
    }
  }
  /** Every entry, least recently used first: plain data, so it crosses a worker boundary (the TUI plans in a worker per refresh). */
  entriesList(): [string, RenderOutput][] {
    return [...this.entries];
  }
  /** Takes entries another cache (another worker) produced, as if they were rendered here. */
  seed(entries: readonly (readonly [string, RenderOutput])[]): void {
    for (const [key, output] of entries) if (!this.entries.has(key)) this.set(key, output);
  }
  reset(): void {
    this.entries.clear();
    this.objects = 0;
    this.stats.renders = 0;
    this.stats.hits = 0;
  }
}

/** The process-wide render cache the loader uses unless told otherwise. */
export const defaultRenderCache = new RenderCache();

export interface RenderStageInput {
  readonly source: FileSource;
  readonly discovery: UnitDiscovery;
  readonly config: PlumbConfig;
  /** Kubernetes version and API versions to render for (the loader's choice: plumb.yaml, then the target); unset ones are plumb.yaml `render`'s, else helm's defaults. */
  readonly capabilities?: { readonly kubeVersion?: string; readonly apiVersions?: readonly string[] };
  /** `false` renders every unit afresh (benchmarks' baseline), the persistent tier included. */
  readonly cache?: RenderCache | false;
  /**
   * The persistent tier behind `cache` (engine/cache): a unit's output found
   * there is not rendered again by a later process. A unit with a SOPS-encrypted
   * input is never written there (its output holds decrypted values).
   */
  readonly disk?: ContentCache;
  /**
   * Whether a rendered document may be written to `disk`: false for one holding
   * a secret value (holdsSecretValues with the kind schemas in force). Default:
   * the Secret rule only. A unit with any document it refuses stays in memory,
   * and an entry it refuses now (a field marked secret since) is removed.
   */
  readonly mayStore?: (document: unknown) => boolean;
  /** Filled with every input's Git blob id (plan fingerprints, review's changed files). */
  readonly files: Map<string, string>;
  /** Filled with every input's text (positions of diagnostics). */
  readonly texts: Map<string, string>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Renders every unit (two at a time: the tools are CPU-bound and CI has two
 * cores). Each unit's inputs are read (their blob ids give the key), and a key
 * seen before in this process is answered from the cache without running
 * the tool. A missing tool is `render.tool-missing` at the unit's file:
 * an error, or with `render.onMissingTool: warn` a warning, the unit's objects
 * left out and `skipped` reported (the plan then turns prune off).
 */
export async function renderStage(input: RenderStageInput): Promise<{ documents: RawDocument[]; diagnostics: Diagnostic[]; renders: RenderedUnit[] }> {
  const { config, discovery } = input;
  const cache = input.cache === false ? undefined : (input.cache ?? defaultRenderCache);
  const mayStore = input.mayStore ?? ((document: unknown) => !holdsSecretValues(document));
  const diagnostics: Diagnostic[] = [];
  const outputs: { documents: readonly RawDocument[]; info: RenderedUnit }[] = new Array(discovery.units.length);
  const kubeVersion = input.capabilities?.kubeVersion ?? config.render.kubeVersion;
  const apiVersions = input.capabilities?.apiVersions ?? config.render.apiVersions;
  const tools = new Map<string, Promise<FoundTool | undefined>>();
  const toolFor = (name: 'kustomize' | 'helm') => {
    let t = tools.get(name);
    if (!t) tools.set(name, (t = findTool(name, input.env)));
    return t;
  };

  let next = 0;
  const worker = async () => {
    while (next < discovery.units.length) {
      const index = next++;
      const unit = discovery.units[index];
      const read = await readTextFiles(
        input.source,
        unit.inputs.map((p) => discovery.files.get(p) ?? { path: p }),
        config.limits.maxFileBytes,
      );
      const inputs = new Map<string, string>();
      const blobs: [string, string][] = [];
      let unreadable = false;
      for (const r of read) {
        diagnostics.push(...r.diagnostics);
        if (r.hash !== undefined) {
          input.files.set(r.path, r.hash);
          blobs.push([r.path, r.hash]);
        }
        if (r.text === undefined) {
          if (r.diagnostics.length) unreadable = true;
          continue;
        }
        input.texts.set(r.path, r.text);
        inputs.set(r.path, r.text);
      }
      const tool = await toolFor(unit.tool);
      const key = unitKey(unit, tool, blobs, kubeVersion, apiVersions);
      const base = {
        id: unit.id,
        tool: unit.tool,
        file: unit.file,
        key,
        ...(tool ? { toolVersion: tool.version } : {}),
        ...(unit.tool === 'helm' && kubeVersion ? { kubeVersion } : {}),
      };
      if (unreadable) {
        outputs[index] = { documents: [], info: { ...base, status: 'failed', objects: 0 } };
        continue;
      }
      if (!tool) {
        const warn = config.render.onMissingTool === 'warn';
        diagnostics.push({
          severity: warn ? 'warning' : 'error',
          code: 'render.tool-missing',
          message: `${unit.id} needs ${unit.tool}, which is not installed${warn ? '; its objects are left out and prune is off' : ''}`,
          hint: INSTALL_HINT[unit.tool],
          file: unit.file,
          line: 1,
          column: 1,
        });
        outputs[index] = { documents: [], info: { ...base, status: warn ? 'skipped' : 'failed', objects: 0 } };
        continue;
      }
      let output = cache?.get(key);
      if (!output && cache && input.disk) {
        output = input.disk.get<RenderOutput>(RENDER_NAMESPACE, key);
        if (output) cache.set(key, output);
        // written before its kind's schema marked a field it holds x-plumb-secret: not kept any longer
        if (output && !output.documents.every((d) => mayStore(d.value))) input.disk.forget(RENDER_NAMESPACE, key);
      }
      const status = output ? 'cached' : 'rendered';
      if (output) cache!.stats.hits++;
      else {
        if (cache) cache.stats.renders++;
        output = await renderUnit(unit, inputs, tool, {
          kubeVersion,
          apiVersions,
          timeoutMs: config.render.timeoutSeconds * 1000,
          maxAliases: config.limits.maxAliases,
          // a unit's output may be four of the largest file plumb reads (16 MB by default)
          maxOutputBytes: 4 * config.limits.maxFileBytes,
          env: input.env,
        });
        // not an output made with a decrypted input: like a SOPS file's, it depends on the keys at hand (removed or
        // rotated while a TUI, a controller or a review's second load runs), which its key cannot see
        if (cache && output.cacheable && !output.decrypted) cache.set(key, output);
        // decrypted output stays in this process's memory: plaintext never reaches the disk
        // and so does a rendered Secret's (a secretGenerator, a chart's Secret), or any object with a field its kind's schema marks x-plumb-secret
        if (cache && input.disk && output.cacheable && !output.decrypted && output.documents.every((d) => mayStore(d.value)))
          input.disk.set(RENDER_NAMESPACE, key, output);
      }
      diagnostics.push(...output.diagnostics);
      const failed = !output.cacheable;
      outputs[index] = { documents: output.documents, info: { ...base, status: failed ? 'failed' : status, objects: output.documents.length } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, discovery.units.length) }, worker));
  return { documents: outputs.flatMap((o) => o.documents), diagnostics, renders: outputs.map((o) => o.info) };
}

function unitKey(
  unit: RenderUnit,
  tool: FoundTool | undefined,
  blobs: readonly [string, string][],
  kubeVersion: string | undefined,
  apiVersions: readonly string[],
): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      id: unit.id,
      tool: unit.tool,
      version: tool?.version ?? 'missing',
      path: tool?.path ?? '',
      ...(unit.tool === 'helm' ? { release: unit.release, kubeVersion, apiVersions } : {}),
    }),
  );
  for (const [path, blob] of [...blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`\n${path}\0${blob}`);
  return hash.digest('hex');
}
