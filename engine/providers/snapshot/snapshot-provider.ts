import { stat } from 'node:fs/promises';
import type { Diagnostic } from '../../model/diagnostic.js';
import { identityOf } from '../../model/identity.js';
import { canonicalJson } from '../../model/canonical-json.js';
import type { ApplyAnswer, BackupArtifact, ObservedObject, Provider } from '../contract.js';
import { observedOwnership, ownershipOf, withManagedLabel } from '../managed-label.js';
import { matchesSelector } from '../selector.js';
import { leafPointers } from '../../model/leaf-pointers.js';
import { readSnapshot, type SnapshotFile } from './read-snapshot.js';
import { snapshotWriter, type SnapshotEdit } from './snapshot-writer.js';

export interface SnapshotProviderOptions {
  /** Absolute path of the snapshot file. */
  readonly path: string;
  /** The path shown in diagnostics (repository-relative). */
  readonly file?: string;
  /** This inventory's ownership label value (engine/providers/managed-label.ts); undefined: the managed-by label alone. */
  readonly inventory?: string;
}

const MEDIA_TYPE = 'application/vnd.plumb.object+json';

/**
 * The `snapshot` provider: observed state recorded in a file, for offline and
 * replayable reviews. Apply and restore go through the file's one
 * SnapshotWriter: edits are serialised and batched (concurrent changes of a
 * wave share one rewrite), comments and formatting are kept (yaml's Document
 * API), and each write is read back and verified before the change counts as
 * applied. Health re-reads the file and is good only when every checked
 * object is recorded exactly as plumb last wrote it.
 */
export function createSnapshotProvider(options: SnapshotProviderOptions): Provider {
  const file = options.file ?? options.path;
  let cache: { key: string; snapshot: SnapshotFile; byId: Map<string, number> } | undefined;

  async function load(): Promise<{ state?: NonNullable<typeof cache>; diagnostics: Diagnostic[] }> {
    const st = await stat(options.path).catch(() => undefined);
    const key = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
    if (cache && key && cache.key === key) return { state: cache, diagnostics: [] };
    const { snapshot, diagnostics } = await readSnapshot(options.path, file);
    if (!snapshot) return { diagnostics };
    const byId = new Map<string, number>();
    const diags = [...diagnostics];
    snapshot.objects.forEach((o, i) => {
      const id = identityOf(o)!.id;
      if (byId.has(id))
        diags.push({
          severity: 'warning',
          code: 'snapshot.duplicate',
          file,
          ci: id,
          message: `snapshot ${file} records ${id} twice; the first is used`,
          hint: 'record the snapshot again',
        });
      else byId.set(id, i);
    });
    cache = { key, snapshot, byId };
    return { state: cache, diagnostics: diags };
  }

  const writer = snapshotWriter(options.path, file);
  /** id → canonical JSON of what this provider last wrote (null: removed), for health. */
  const written = new Map<string, string | null>();

  /** Writes the edits (batched with any in flight), verified by reading the file back. */
  async function put(edits: readonly SnapshotEdit[]): Promise<Diagnostic[]> {
    const { state, diagnostics } = await load();
    if (!state) return diagnostics;
    cache = undefined;
    const answer = await writer.write(edits);
    cache = undefined;
    for (const e of edits) written.set(e.id, e.object === undefined ? null : canonicalJson(e.object));
    return [...diagnostics, ...answer];
  }

  return {
    name: 'snapshot',

    async discover(req) {
      const { state, diagnostics } = await load();
      if (!state) return { observed: [], diagnostics };
      const observed: ObservedObject[] = [];
      const declared = new Set(req.desired.map((c) => c.id));
      for (const [id, i] of state.byId) {
        const object = state.snapshot.objects[i];
        if (req.selector && !matchesSelector(object, req.selector)) continue;
        const owned = state.snapshot.owned?.[id];
        // one literal, the optional members set after it: spreading per object (100k) left them in shapes every later stage read slowly
        const ownership = observedOwnership(object, options.inventory, declared.has(id));
        const o: { -readonly [K in keyof ObservedObject]: ObservedObject[K] } = { id, object, managedByPlumb: ownership.managedByPlumb };
        if (ownership.owner !== undefined) o.owner = ownership.owner;
        if (owned?.length) o.owned = owned;
        observed.push(o);
      }
      return { observed, diagnostics };
    },

    async apply(req, signal): Promise<ApplyAnswer> {
      signal.throwIfAborted();
      const { change } = req;
      if (change.action === 'noop') return { ok: true, diagnostics: [] };
      if (change.action !== 'delete' && !req.desired) {
        return {
          ok: false,
          diagnostics: [{ severity: 'error', code: 'provider.no-desired', ci: change.id, message: `apply of ${change.id} carries no desired document` }],
        };
      }
      const { state, diagnostics } = await load();
      if (!state) return { ok: false, diagnostics };
      const existing = state.byId.has(change.id);
      let object: Record<string, unknown> | undefined;
      if (change.action !== 'delete') {
        const before = existing ? state.snapshot.objects[state.byId.get(change.id)!] : undefined;
        // an object nobody marked stays unmarked (adopted, never pruned); plumb's own, a legacy one, or one taken over with --adopt carries this inventory's mark
        object = !before || ownershipOf(before, options.inventory).by !== 'none' ? withManagedLabel(req.desired!, options.inventory) : { ...req.desired! };
      }
      // plumb owns what it wrote: every field the desired document declares
      const owned = object && leafPointers(req.desired!);
      if (!req.dryRun) {
        const answer = await put([{ id: change.id, object, ...(owned ? { owned } : {}) }]);
        if (answer.some((d) => d.severity === 'error')) return { ok: false, diagnostics: answer };
      }
      return {
        ok: true,
        diagnostics,
        observed: object && { id: change.id, object, ...observedOwnership(object, options.inventory, true), ...(owned?.length ? { owned } : {}) },
      };
    },

    async backup(req) {
      const { state, diagnostics } = await load();
      if (!state) return { artifacts: [], diagnostics };
      const artifacts: BackupArtifact[] = req.ids.map((id) => {
        const i = state.byId.get(id);
        const data = i === undefined ? new Uint8Array() : new TextEncoder().encode(canonicalJson(state.snapshot.objects[i]));
        return { id, exists: i !== undefined, mediaType: MEDIA_TYPE, data };
      });
      return { artifacts, diagnostics };
    },

    async restore(req, signal) {
      const diagnostics: Diagnostic[] = [];
      const edits: SnapshotEdit[] = [];
      for (const a of req.artifacts) {
        signal.throwIfAborted();
        let object: Record<string, unknown> | undefined;
        if (a.exists) {
          try {
            object = JSON.parse(new TextDecoder().decode(a.data)) as Record<string, unknown>;
          } catch {
            diagnostics.push({
              severity: 'error',
              code: 'snapshot.bad-artifact',
              ci: a.id,
              message: `backup artifact of ${a.id} is not the JSON the snapshot provider wrote`,
            });
            continue;
          }
        }
        // a restored object is what the backup held, not what Git declared: plumb's ownership of its fields is unknown
        edits.push({ id: a.id, object, owned: [] });
      }
      if (!req.dryRun) diagnostics.push(...(await put(edits)));
      const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.ci));
      const restored = edits.map((e) => e.id).filter((id) => !failed.has(id));
      return { restored, ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
    },

    async health(req) {
      const { state, diagnostics } = await load();
      if (!state) return { results: req.ids.map((id) => ({ id, healthy: false, message: 'the snapshot cannot be read' })), diagnostics };
      const results = req.ids.map((id) => {
        const want = written.get(id);
        if (want === undefined) return { id, healthy: true };
        const i = state.byId.get(id);
        const got = i === undefined ? null : canonicalJson(state.snapshot.objects[i]);
        if (got === want) return { id, healthy: true };
        return {
          id,
          healthy: false,
          message:
            got === null
              ? `${id} is missing from ${file}`
              : want === null
                ? `${id} is still recorded in ${file}`
                : `${file} records ${id} differently from what was written`,
        };
      });
      return { results, diagnostics };
    },
  };
}
