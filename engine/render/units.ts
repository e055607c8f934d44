import type { ReleaseConfig, RenderConfig } from '../config/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import { complexKeyDiagnostic, readYamlValue } from '../yaml/yaml-documents.js';
import type { FileSource, SourceFile } from '../load/file-source.js';
import { isRemoteRef, KUSTOMIZATION_FILES, parseKustomization, type ParsedKustomization } from './kustomization.js';
import { baseName, dirOf, isUnder, joinInside } from './paths.js';

/** A kustomization file of the repository, parsed. */
export interface KustomizationInfo {
  readonly dir: string;
  readonly file: string;
  readonly parsed: ParsedKustomization;
}

interface UnitCommon {
  /** `kustomize:<dir>` or `helm:<chart dir>#<release>`: stable, shown in diagnostics. */
  readonly id: string;
  readonly dir: string;
  /** The file that makes the directory a unit (kustomization.yaml, Chart.yaml): the fallback location. */
  readonly file: string;
  /** Repository-relative paths of every file the render reads, sorted. */
  readonly inputs: readonly string[];
}

export interface KustomizeUnit extends UnitCommon {
  readonly tool: 'kustomize';
  /** The root and every kustomization it reaches, by directory. */
  readonly kustomizations: ReadonlyMap<string, KustomizationInfo>;
}

export interface HelmUnit extends UnitCommon {
  readonly tool: 'helm';
  /** `name` from Chart.yaml (the first segment of `# Source:` lines). */
  readonly chartName: string;
  readonly release: Required<Pick<ReleaseConfig, 'name' | 'namespace' | 'values' | 'set' | 'includeCRDs'>>;
}

export type RenderUnit = KustomizeUnit | HelmUnit;

export interface UnitDiscovery {
  readonly units: readonly RenderUnit[];
  /** Files that belong to a unit (rendered, not loaded as plain CIs). */
  readonly claimed: ReadonlySet<string>;
  /** Every listed file by path, including the directories listed for units. */
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Cheap test before discovery: a kustomization or Chart.yaml among the inventory files, or units named in plumb.yaml. */
export function mayHaveUnits(listed: readonly SourceFile[], isInventory: (path: string) => boolean, config: RenderConfig): boolean {
  if (config.kustomizations.length || config.releases.length) return true;
  if (!config.convention) return false;
  return listed.some((f) => {
    const name = baseName(f.path);
    return (name === 'Chart.yaml' || KUSTOMIZATION_FILES.includes(name)) && isInventory(f.path);
  });
}

/**
 * Finds the render units among the listed files (plumb.yaml `render`):
 * kustomization directories that no other kustomization references (plus the
 * ones plumb.yaml names), and charts (a Chart.yaml not inside another chart),
 * released as plumb.yaml says or, by convention, under the directory's name with
 * its values.yaml. Reads only kustomization files and Chart.yaml; lists the
 * directories units reach outside the inventory globs. A remote base or a chart
 * dependency not vendored under charts/ is an error at the line that names it
 * (rendering must not need the network), and that unit is not rendered.
 *
 * @param isInventory whether a listed path matches the inventory globs.
 */
export async function discoverUnits(
  source: FileSource,
  listed: readonly SourceFile[],
  isInventory: (path: string) => boolean,
  config: RenderConfig,
  configFile: string | undefined,
): Promise<UnitDiscovery> {
  const files = new Map(listed.map((f) => [f.path, f]));
  const listedDirs = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<string, string | undefined>();
  const readText = async (path: string): Promise<string | undefined> => {
    if (texts.has(path)) return texts.get(path);
    const bytes = await source.read(path);
    const decoded = bytes ? decodeUtf8(bytes, path) : undefined;
    const text = decoded && 'text' in decoded ? decoded.text : undefined;
    texts.set(path, text);
    return text;
  };
  const ensureListed = async (dir: string) => {
    if (listedDirs.has(dir)) return;
    listedDirs.add(dir);
    if (dir === '') return;
    const more = await source.list([dir]);
    for (const f of more.files) if (!files.has(f.path)) files.set(f.path, f);
  };
  // kustomize and helm refuse a collection as a mapping key with no position ("invalid map key"): plumb says where
  const complexKeyFiles = new Set<string>();
  const refuseComplexKeys = (text: string, file: string): boolean => {
    if (complexKeyFiles.has(file)) return true;
    const refused = complexKeyDiagnostic(text, file);
    if (!refused) return false;
    complexKeyFiles.add(file);
    diagnostics.push(refused);
    return true;
  };
  const filesUnder = (dir: string) => [...files.keys()].filter((p) => isUnder(p, dir) && p !== dir);
  const kustomizationFileIn = (dir: string) => KUSTOMIZATION_FILES.map((n) => (dir ? `${dir}/${n}` : n)).find((p) => files.has(p));

  // --- Kustomize
  const kustomizations = new Map<string, KustomizationInfo>();
  const referenced = new Set<string>();
  const loadKustomization = async (dir: string): Promise<KustomizationInfo | undefined> => {
    if (kustomizations.has(dir)) return kustomizations.get(dir);
    await ensureListed(dir);
    const file = kustomizationFileIn(dir);
    if (!file) return undefined;
    const text = (await readText(file)) ?? '';
    const info: KustomizationInfo = { dir, file, parsed: parseKustomization(text) };
    kustomizations.set(dir, info);
    refuseComplexKeys(text, file);
    for (const r of info.parsed.refs) {
      const patch = /^patch/.test(r.field);
      if (!(r.resourceLike || patch) || isRemoteRef(r.ref)) continue;
      const target = joinInside(dir, r.ref);
      if (target === undefined) continue;
      await ensureListed(dirOf(target));
      // a resource or patch file kustomize parses: its collection keys are refused here, at their position
      if (files.has(target) && /\.(?:ya?ml|json)$/i.test(target)) refuseComplexKeys((await readText(target)) ?? '', target);
      if (!r.resourceLike) continue;
      if (!files.has(target)) {
        // a directory: another kustomization (a base or a component)
        await ensureListed(target);
        if (await loadKustomization(target)) referenced.add(target);
      }
    }
    return info;
  };
  const found = listed.filter((f) => isInventory(f.path) && KUSTOMIZATION_FILES.includes(baseName(f.path))).map((f) => dirOf(f.path));
  const explicit = config.kustomizations.map((d) => d.replace(/\/+$/, ''));
  for (const dir of [...(config.convention ? found : []), ...explicit]) await loadKustomization(dir);
  for (const dir of explicit) {
    if (!kustomizations.has(dir))
      diagnostics.push(
        configDiagnostic(
          configFile,
          'render.no-kustomization',
          `render.kustomizations names ${dir}, which holds no kustomization.yaml`,
          'fix the path in plumb.yaml, or add the kustomization',
        ),
      );
  }

  const units: RenderUnit[] = [];
  const claimed = new Set<string>();
  const kustomizeRoots = [
    ...new Set([...(config.convention ? found.filter((d) => !referenced.has(d)) : []), ...explicit.filter((d) => kustomizations.has(d))]),
  ].sort();
  for (const dir of kustomizations.keys()) for (const p of filesUnder(dir)) claimed.add(p);
  for (const root of kustomizeRoots) {
    const reached = new Map<string, KustomizationInfo>();
    const inputs = new Set<string>();
    let remote = false;
    let refused = false;
    let outside = false;
    const visit = (dir: string) => {
      const k = kustomizations.get(dir);
      if (!k || reached.has(dir)) return;
      reached.set(dir, k);
      if (complexKeyFiles.has(k.file)) refused = true;
      for (const p of filesUnder(dir)) inputs.add(p);
      for (const r of k.parsed.refs) {
        if (isRemoteRef(r.ref)) {
          remote = true;
          diagnostics.push({
            severity: 'error',
            code: 'render.remote-base',
            message: `${r.field} of ${k.file} is a remote reference (${r.ref}); plumb renders without the network`,
            hint: 'vendor it into the repository (copy the base, or git subtree add) and reference the local directory',
            file: k.file,
            ...lineOf(texts.get(k.file), r.ref),
          });
          continue;
        }
        const target = joinInside(dir, r.ref);
        if (target === undefined) {
          // Kustomize's load restrictor stops files outside a kustomization's root, not
          // directories: a base at ../../.. would be read from the rendering machine
          outside = true;
          diagnostics.push({
            severity: 'error',
            code: 'render.path-outside-repository',
            message: `${r.field} of ${k.file} names ${r.ref}, which is outside the repository; plumb renders only what the repository holds`,
            hint: 'copy what it names into the repository and reference it by a path inside it',
            file: k.file,
            ...lineOf(texts.get(k.file), r.ref),
          });
          continue;
        }
        if (files.has(target)) {
          inputs.add(target);
          claimed.add(target);
          if (complexKeyFiles.has(target)) refused = true;
        } else visit(target);
      }
    };
    visit(root);
    if (remote || outside || refused) continue;
    units.push({ id: `kustomize:${root}`, tool: 'kustomize', dir: root, file: reached.get(root)!.file, inputs: [...inputs].sort(), kustomizations: reached });
  }

  // --- Helm
  const chartDirs = listed.filter((f) => isInventory(f.path) && baseName(f.path) === 'Chart.yaml').map((f) => dirOf(f.path));
  const topCharts = chartDirs.filter((d) => !chartDirs.some((o) => o !== d && isUnder(d, `${o}/charts`)));
  const releases: ReleaseConfig[] = [...config.releases];
  if (config.convention) {
    for (const dir of topCharts) if (!releases.some((r) => r.chart.replace(/\/+$/, '') === dir)) releases.push({ chart: dir });
  }
  for (const dir of chartDirs) for (const p of filesUnder(dir)) claimed.add(p);
  for (const r of releases) {
    const dir = r.chart.replace(/\/+$/, '');
    await ensureListed(dir);
    const chartFile = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
    const chartText = files.has(chartFile) ? await readText(chartFile) : undefined;
    if (chartText === undefined) {
      diagnostics.push(
        configDiagnostic(configFile, 'render.no-chart', `render.releases names chart ${dir}, which holds no Chart.yaml`, 'fix the path in plumb.yaml'),
      );
      continue;
    }
    for (const p of filesUnder(dir)) claimed.add(p);
    const chart = parseChart(chartText);
    let broken = refuseComplexKeys(chartText, chartFile);
    const name = r.name ?? (baseName(dir) || chart.name);
    const values = r.values ?? (files.has(`${dir}/values.yaml`) ? [`${dir}/values.yaml`] : []);
    for (const v of values) {
      claimed.add(v); // a values file is the release's input, never a CI of its own (even when the release cannot render)
      await ensureListed(dirOf(v));
      if (!files.has(v)) {
        broken = true;
        diagnostics.push(
          configDiagnostic(
            configFile,
            'render.no-values-file',
            `release ${name} of ${dir} names values file ${v}, which does not exist`,
            'fix the path in plumb.yaml (values files are repository-relative)',
          ),
        );
      } else if (refuseComplexKeys((await readText(v)) ?? '', v)) broken = true;
    }
    for (const dep of chart.dependencies) {
      const vendored = filesUnder(`${dir}/charts`).some(
        (p) => p === `${dir}/charts/${dep.name}/Chart.yaml` || new RegExp(`^${escape(dir)}/charts/${escape(dep.name)}-[^/]*\\.tgz$`).test(p),
      );
      if (vendored) continue;
      broken = true;
      diagnostics.push({
        severity: 'error',
        code: 'render.chart-dependency',
        message: `chart dependency ${dep.name}${dep.repository ? ` (${dep.repository})` : ''} of ${dir} is not vendored under ${dir}/charts; plumb renders without the network`,
        hint: `run \`helm dependency build ${dir}\` (or copy the chart to ${dir}/charts/${dep.name}) and commit charts/`,
        file: chartFile,
        ...lineOf(chartText, `name: ${dep.name}`),
      });
    }
    if (broken) continue;
    const inputs = new Set([...filesUnder(dir), ...values]);
    units.push({
      id: `helm:${dir}#${name}`,
      tool: 'helm',
      dir,
      file: chartFile,
      inputs: [...inputs].sort(),
      chartName: chart.name || baseName(dir),
      release: { name, namespace: r.namespace ?? 'default', values, set: r.set ?? {}, includeCRDs: r.includeCRDs ?? true },
    });
  }
  return { units, claimed, files, diagnostics };
}

function parseChart(text: string): { name: string; dependencies: { name: string; repository?: string }[] } {
  const name = /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1] ?? '';
  const dependencies: { name: string; repository?: string }[] = [];
  try {
    const doc = parseYamlSafe(text) as { dependencies?: unknown } | undefined;
    for (const d of Array.isArray(doc?.dependencies) ? doc.dependencies : []) {
      if (d && typeof d === 'object' && typeof (d as { name?: unknown }).name === 'string') {
        const dep = d as { name: string; repository?: unknown; alias?: unknown };
        dependencies.push({ name: dep.name, ...(typeof dep.repository === 'string' && dep.repository ? { repository: dep.repository } : {}) });
      }
    }
  } catch {
    // a broken Chart.yaml: helm reports it
  }
  return { name, dependencies };
}

function parseYamlSafe(text: string): unknown {
  return readYamlValue(text, { maxAliases: 100, uniqueKeys: false });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line and column of the first occurrence of `needle` in `text` (1-based), or line 1. */
export function lineOf(text: string | undefined, needle: string): { line: number; column: number } {
  const at = text?.indexOf(needle) ?? -1;
  if (!text || at < 0) return { line: 1, column: 1 };
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

function configDiagnostic(
  file: string | undefined,
  code: 'render.no-kustomization' | 'render.no-chart' | 'render.no-values-file',
  message: string,
  hint: string,
): Diagnostic {
  return { severity: 'error', code, message, hint, ...(file ? { file, line: 1, column: 1 } : {}) };
}
