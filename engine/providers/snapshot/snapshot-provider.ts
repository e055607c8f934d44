import { stat } from 'node:fs/promises';
import type { Diagnostic } from '../../model/diagnostic.js';
import { identityOf } from '../../model/identity.js';
import { canonicalJson } from '../../model/canonical-json.js';
import type { ApplyAnswer, BackupArtifact, ObservedObject, Provider } from '../contract.js';
import { isManagedByPlumb, withManagedLabel } from '../managed-label.js';
import { matchesSelector } from '../selector.js';
import { readSnapshot, type SnapshotFile } from './read-snapshot.js';
import { writeSnapshot } from './write-snapshot.js';

export interface SnapshotProviderOptions {
  /** Absolute path of the snapshot file. */
  readonly path: string;
  /** The path shown in diagnostics (repository-relative). */
  readonly file?: string;
}

const MEDIA_TYPE = 'application/vnd.plumb.object+json';

/**
 * The `snapshot` provider: observed state recorded in a file, for offline and
 * replayable reviews. Apply and restore rewrite the file atomically with one
 * object created, replaced or removed, objects sorted by identity (comments
 * and formatting are not kept) — the whole file each time, so applying
 * many changes to a very large snapshot costs O(changes × file size). Health
 * is always good: a file has no rollout to wait for.
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
      if (byId.has(id)) diags.push({ severity: 'warning', code: 'snapshot.duplicate', file, ci: id, message: `snapshot ${file} records ${id} twice; the first is used`, hint: 'record the snapshot again' });
      else byId.set(id, i);
    });
    cache = { key, snapshot, byId };
    return { state: cache, diagnostics: diags };
  }

  async function save(objects: Record<string, unknown>[], metadata: Readonly<Record<string, unknown>>): Promise<void> {
    cache = undefined;
    await writeSnapshot(options.path, { metadata, objects });
  }

  /** Puts `object` in place of `id` (or removes it when undefined) and rewrites the file. */
  async function put(id: string, object: Record<string, unknown> | undefined): Promise<Diagnostic[]> {
    const { state, diagnostics } = await load();
    if (!state) return diagnostics;
    const objects = [...state.snapshot.objects];
    const at = state.byId.get(id);
    if (object === undefined) {
      if (at !== undefined) objects.splice(at, 1);
    } else if (at !== undefined) objects[at] = object;
    else objects.push(object);
    // Sorted by identity: the file's bytes depend only on its objects, so a
    // restore after an apply gives back the very same file.
    const keyed = objects.map((o) => [identityOf(o)!.id, o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    await save(keyed.map(([, o]) => o), state.snapshot.metadata);
    return diagnostics;
  }

  return {
    name: 'snapshot',

    async discover(req) {
      const { state, diagnostics } = await load();
      if (!state) return { observed: [], diagnostics };
      const observed: ObservedObject[] = [];
      for (const [id, i] of state.byId) {
        const object = state.snapshot.objects[i];
        if (req.selector && !matchesSelector(object, req.selector)) continue;
        observed.push({ id, object, managedByPlumb: isManagedByPlumb(object) });
      }
      return { observed, diagnostics };
    },

    async apply(req, signal): Promise<ApplyAnswer> {
      signal.throwIfAborted();
      const { change } = req;
      if (change.action === 'noop') return { ok: true, diagnostics: [] };
      if (change.action !== 'delete' && !req.desired) {
        return { ok: false, diagnostics: [{ severity: 'error', code: 'provider.no-desired', ci: change.id, message: `apply of ${change.id} carries no desired document` }] };
      }
      const { state, diagnostics } = await load();
      if (!state) return { ok: false, diagnostics };
      const existing = state.byId.has(change.id);
      let object: Record<string, unknown> | undefined;
      if (change.action !== 'delete') {
        const before = existing ? state.snapshot.objects[state.byId.get(change.id)!] : undefined;
        object = !before || isManagedByPlumb(before) ? withManagedLabel(req.desired!) : { ...req.desired! };
      }
      if (!req.dryRun) await put(change.id, object);
      return { ok: true, diagnostics, observed: object && { id: change.id, object, managedByPlumb: isManagedByPlumb(object) } };
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
      const restored: string[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const a of req.artifacts) {
        signal.throwIfAborted();
        let object: Record<string, unknown> | undefined;
        if (a.exists) {
          try {
            object = JSON.parse(new TextDecoder().decode(a.data)) as Record<string, unknown>;
          } catch {
            diagnostics.push({ severity: 'error', code: 'snapshot.bad-artifact', ci: a.id, message: `backup artifact of ${a.id} is not the JSON the snapshot provider wrote` });
            continue;
          }
        }
        if (!req.dryRun) diagnostics.push(...(await put(a.id, object)));
        restored.push(a.id);
      }
      return { restored, ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
    },

    async health(req) {
      return { results: req.ids.map((id) => ({ id, healthy: true })), diagnostics: [] };
    },
  };
}
