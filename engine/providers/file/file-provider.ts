import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CI } from '../../model/ci.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { BackupArtifact, ObservedObject, Provider } from '../contract.js';
import { parseFileSpec, type FileSpec } from './file-spec.js';
import { KeyedQueue } from '../../concurrency/keyed-queue.js';
import { desiredState, readFileState, RefusedPath, sameState, writeFileState, type FileState } from './file-state.js';
import { locate, type Root } from './safe-path.js';
import type { Code } from '../../model/codes.js';

export interface FileProviderOptions {
  /** Directories plumb may read and write, absolute or relative to `base`. Nothing outside them is touched. */
  readonly roots: readonly string[];
  /** Where relative roots start (the repository root). */
  readonly base: string;
  /** Larger files are refused (`file.too-large`). */
  readonly maxFileBytes?: number;
}

const MEDIA_TYPE = 'application/vnd.plumb.file+json';

/**
 * The `file` provider: File CIs (files and directories) under declared roots.
 * It only ever looks at the paths desired CIs name — it does not list the
 * roots — so it has no unmanaged objects and no deletes of its own. A path
 * that leads outside the roots (`..`, an absolute path elsewhere, any symlink
 * on the way) is refused with `file.outside-root` and never followed.
 *
 * Observed Files copy the desired CI's metadata (a file has no labels), so
 * only `spec` can drift.
 */
export function createFileProvider(options: FileProviderOptions): Provider {
  const maxBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
  let roots: Promise<{ roots: Root[]; diagnostics: Diagnostic[] }> | undefined;
  /** id → the desired CI last seen for it: backup and delete need the path. */
  const known = new Map<string, { spec: FileSpec; ci?: CI }>();
  /** Writes of one path take turns (two CIs, or a restore and an apply, naming the same file). */
  const queue = new KeyedQueue();
  /** id → what plumb last wrote there, which health reads back. */
  const written = new Map<string, { spec: FileSpec; state: FileState }>();

  /**
   * Writes `state` at the located path and reads it back: a write that did not
   * land as asked (another writer, a full disk hidden by a cache) is an error,
   * never reported as applied.
   */
  async function writeVerified(at: Extract<ReturnType<typeof locate>, { ok: true }>, state: FileState, id: string): Promise<void> {
    await queue.run(at.path, async () => {
      await writeFileState(at, state);
      const after = await readFileState(at, maxBytes);
      if (!sameState(state, after))
        throw new RefusedPath(
          'file.verify-failed',
          `does not hold what was written (read back: ${after.exists ? `a ${after.type}, mode ${after.mode}` : 'nothing'}) for ${id}`,
        );
    });
    const spec = known.get(id)?.spec;
    if (spec) written.set(id, { spec, state });
  }

  function loadRoots() {
    roots ??= (async () => {
      const out: Root[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const r of options.roots) {
        const declared = resolve(options.base, r);
        try {
          out.push({ declared, real: await realpath(declared) });
        } catch {
          diagnostics.push({
            severity: 'error',
            code: 'file.root-missing',
            message: `file root ${r} does not exist`,
            hint: 'create it, or fix `roots` of the target in plumb.yaml',
          });
        }
      }
      if (options.roots.length === 0)
        diagnostics.push({
          severity: 'error',
          code: 'file.no-roots',
          message: 'the file target declares no roots',
          hint: 'add `roots: [dir]` to the target in plumb.yaml',
        });
      return { roots: out, diagnostics };
    })();
    return roots;
  }

  function where(ci: CI | undefined): Partial<Diagnostic> {
    return ci ? { ci: ci.id, file: ci.origin.file, line: ci.origin.line, column: ci.origin.column } : {};
  }

  /** Runs one path operation, turning refusals and I/O errors into a diagnostic. */
  async function guarded<T>(
    id: string,
    spec: FileSpec,
    ci: CI | undefined,
    body: (at: Extract<ReturnType<typeof locate>, { ok: true }>) => Promise<T>,
  ): Promise<{ value?: T; diagnostic?: Diagnostic }> {
    const { roots: rs } = await loadRoots();
    const at = locate(spec.path, rs);
    if (!at.ok) return { diagnostic: refused(id, spec.path, 'file.outside-root', at.reason, ci) };
    try {
      return { value: await body(at) };
    } catch (e) {
      if (e instanceof RefusedPath) return { diagnostic: refused(id, spec.path, e.code, e.message, ci) };
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      return {
        diagnostic: {
          severity: 'error',
          code: 'file.io',
          message: `${spec.path} (${id}) failed: ${code}`,
          hint: 'check permissions and free space',
          ...where(ci),
          ci: id,
        },
      };
    }
  }

  function refused(id: string, path: string, code: Code, reason: string, ci?: CI): Diagnostic {
    const hint = code === 'file.outside-root' ? 'plumb reads and writes only under the roots declared for this target, and never through symlinks' : undefined;
    return { severity: 'error', code, message: `path ${path} of ${id} ${reason}`, ...(hint ? { hint } : {}), ...where(ci), ci: id };
  }

  return {
    name: 'file',

    async discover(req, signal) {
      const { diagnostics: rootDiags } = await loadRoots();
      const diagnostics: Diagnostic[] = [...rootDiags];
      const observed: ObservedObject[] = [];
      for (const ci of req.desired) {
        signal.throwIfAborted();
        if (ci.kind !== 'File') {
          diagnostics.push({
            severity: 'warning',
            code: 'file.unsupported-kind',
            message: `${ci.id} is a ${ci.kind}; the file provider manages only File`,
            ...where(ci),
          });
          continue;
        }
        const { spec, problem } = parseFileSpec(ci.object.spec);
        if (!spec) {
          diagnostics.push({ severity: 'error', code: 'file.bad-spec', message: `${ci.id}: ${problem}`, ...where(ci) });
          continue;
        }
        const declared = ci.object.spec as Record<string, unknown>;
        for (const field of ['owner', 'group']) {
          if (declared[field] === undefined) continue;
          diagnostics.push({
            severity: 'warning',
            code: 'file.owner-unsupported',
            message: `${ci.id}: spec.${field} is not managed yet and is not compared`,
            ...where(ci),
          });
        }
        known.set(ci.id, { spec, ci });
        const { value: state, diagnostic } = await guarded(ci.id, spec, ci, (at) => readFileState(at, maxBytes));
        if (diagnostic) diagnostics.push(diagnostic);
        if (!state) continue;
        if (!state.exists) {
          // Absence is the observed state a desired `ensure: absent` asks for: a noop, not a create.
          if (spec.ensure === 'absent')
            observed.push({
              id: ci.id,
              object: { apiVersion: ci.object.apiVersion, kind: 'File', metadata: ci.object.metadata, spec: { path: spec.path, ensure: 'absent' } },
            });
          continue;
        }
        observed.push({ id: ci.id, object: observedObject(ci, spec, state, diagnostics) });
      }
      return { observed, diagnostics };
    },

    async apply(req, signal) {
      signal.throwIfAborted();
      const { id, action } = req.change;
      if (action === 'noop') return { ok: true, diagnostics: [] };
      let spec = known.get(id)?.spec;
      if (req.desired) {
        const parsed = parseFileSpec(req.desired.spec);
        if (!parsed.spec) return { ok: false, diagnostics: [{ severity: 'error', code: 'file.bad-spec', ci: id, message: `${id}: ${parsed.problem}` }] };
        spec = parsed.spec;
        known.set(id, { spec, ci: known.get(id)?.ci });
      }
      if (!spec)
        return {
          ok: false,
          diagnostics: [
            {
              severity: 'error',
              code: 'file.unknown-ci',
              ci: id,
              message: `the file provider does not know the path of ${id}`,
              hint: 'discover it first (plan does)',
            },
          ],
        };
      const target: FileState = action === 'delete' || spec.ensure === 'absent' ? { exists: false } : desiredState(spec);
      const ci = known.get(id)?.ci;
      const { diagnostic } = await guarded(id, spec, ci, async (at) => (req.dryRun ? undefined : writeVerified(at, target, id)));
      if (diagnostic) return { ok: false, diagnostics: [diagnostic] };
      if (action === 'delete' || spec.ensure === 'absent' || req.dryRun) return { ok: true, diagnostics: [] };
      const { value: after, diagnostic: readBack } = await guarded(id, spec, ci, (at) => readFileState(at, maxBytes));
      const diagnostics = readBack ? [readBack] : [];
      const object = after?.exists && req.desired ? observedObject({ object: req.desired, id } as CI, spec, after, diagnostics) : undefined;
      return { ok: true, diagnostics, ...(object ? { observed: { id, object } } : {}) };
    },

    async backup(req, signal) {
      const artifacts: BackupArtifact[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const id of req.ids) {
        signal.throwIfAborted();
        const entry = known.get(id);
        if (!entry) {
          diagnostics.push({
            severity: 'error',
            code: 'file.unknown-ci',
            ci: id,
            message: `the file provider does not know the path of ${id}`,
            hint: 'discover it first (plan does)',
          });
          continue;
        }
        const { value: state, diagnostic } = await guarded(id, entry.spec, entry.ci, (at) => readFileState(at, maxBytes));
        if (diagnostic || !state) {
          if (diagnostic) diagnostics.push(diagnostic);
          continue;
        }
        const data = new TextEncoder().encode(JSON.stringify({ path: entry.spec.path, ...state }));
        artifacts.push({ id, exists: state.exists, mediaType: MEDIA_TYPE, data });
      }
      return { artifacts, diagnostics };
    },

    async restore(req, signal) {
      const restored: string[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const a of req.artifacts) {
        signal.throwIfAborted();
        let record: FileState & { path: string };
        try {
          record = JSON.parse(new TextDecoder().decode(a.data));
          if (typeof record.path !== 'string') throw new Error('no path');
        } catch {
          diagnostics.push({ severity: 'error', code: 'file.bad-artifact', ci: a.id, message: `backup artifact of ${a.id} is not a file record` });
          continue;
        }
        const spec: FileSpec = { ...(known.get(a.id)?.spec ?? { ensure: 'present', contentField: 'content' }), path: record.path, type: record.type ?? 'file' };
        known.set(a.id, { spec, ci: known.get(a.id)?.ci });
        const { diagnostic } = await guarded(a.id, spec, known.get(a.id)?.ci, async (at) => (req.dryRun ? undefined : writeVerified(at, record, a.id)));
        if (diagnostic) diagnostics.push(diagnostic);
        else restored.push(a.id);
      }
      return { restored, ok: diagnostics.length === 0, diagnostics };
    },

    async health(req) {
      const results = [];
      for (const id of req.ids) {
        const w = written.get(id);
        if (!w) {
          results.push({ id, healthy: true });
          continue;
        }
        const { value: now, diagnostic } = await guarded(id, w.spec, known.get(id)?.ci, (at) => readFileState(at, maxBytes));
        const healthy = Boolean(now && sameState(w.state, now));
        results.push({ id, healthy, ...(healthy ? {} : { message: diagnostic?.message ?? `${w.spec.path} no longer holds what plumb wrote` }) });
      }
      return { results, diagnostics: [] };
    },
  };
}

/** The observed File: the desired CI's identity and metadata, with the spec the disk shows. */
function observedObject(ci: Pick<CI, 'object' | 'id'>, spec: FileSpec, state: FileState, diagnostics: Diagnostic[]): Record<string, unknown> {
  const observedSpec: Record<string, unknown> = { path: spec.path, ensure: 'present', type: state.type, mode: state.mode };
  if (state.type === 'file' && state.content !== undefined) {
    const bytes = Buffer.from(state.content, 'base64');
    try {
      observedSpec[spec.contentField] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      diagnostics.push({
        severity: 'warning',
        code: 'file.binary',
        ci: ci.id,
        message: `${spec.path} of ${ci.id} is not UTF-8 text, so it never equals a desired spec.content`,
      });
    }
  }
  return { apiVersion: ci.object.apiVersion, kind: 'File', metadata: ci.object.metadata, spec: observedSpec };
}
