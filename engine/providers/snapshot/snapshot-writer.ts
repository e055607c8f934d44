import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadYamlLimited } from '../../load/limited-yaml.js';
import { isMap, isSeq, type Document, type YAMLSeq } from 'yaml';
import { yamlDocument } from '../../yaml/yaml-documents.js';
import { canonicalJson } from '../../model/canonical-json.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { identityOf } from '../../model/identity.js';
import { writeFileAtomic } from '../atomic-write.js';

/** One object put in place of an identity (`object` undefined: removed). */
export interface SnapshotEdit {
  readonly id: string;
  readonly object: Record<string, unknown> | undefined;
  /** The fields plumb owns on the object after the edit (the snapshot's `owned` map); absent: unchanged, `[]`: none. */
  readonly owned?: readonly string[];
}

interface Pending extends SnapshotEdit {
  readonly done: (diagnostics: Diagnostic[]) => void;
}

/**
 * Serialised, batched writes to one snapshot file. Every edit asked for while
 * a write is in flight waits for it and then goes out with the others in one
 * read-modify-write (so an apply at any concurrency rewrites the file about
 * once per wave, and no edit is ever computed from a state another edit is
 * replacing). Each write:
 *
 * - reads the file as it is now (not a cache), so a write never undoes
 *   another process's or provider instance's edit made since the last read;
 * - edits YAML through the `yaml` package's Document API: comments (the
 *   header, comments before each object), key order, quoting and flow/block
 *   style of every untouched object stay as they were; a new object is
 *   inserted before the first object whose identity sorts after it;
 * - replaces the file atomically (temp file, fsync, rename);
 * - reads it back and answers each edit with an error diagnostic
 *   (`snapshot.verify-failed`) unless the file now records exactly the object
 *   asked for (compared as canonical JSON), or no longer records a removed one.
 *
 * Writers are shared per absolute path within the process (`snapshotWriter`),
 * so two providers on the same file also take turns.
 */
export class SnapshotWriter {
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly file: string,
  ) {}

  /** Queues edits; resolves once they are written and read back, with any diagnostics. */
  write(edits: readonly SnapshotEdit[]): Promise<Diagnostic[]> {
    if (edits.length === 0) return Promise.resolve([]);
    return new Promise((done) => {
      let left = edits.length;
      const all: Diagnostic[] = [];
      for (const e of edits) {
        this.pending.push({
          ...e,
          done: (d) => {
            all.push(...d);
            if (--left === 0) done(all);
          },
        });
      }
      this.running ??= this.drain().finally(() => (this.running = undefined));
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      let results: Map<Pending, Diagnostic[]>;
      try {
        results = await this.writeBatch(batch);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const message = `snapshot ${this.file} could not be written${code ? ` (${code})` : ''}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        results = new Map(
          batch.map((p) => [
            p,
            [{ severity: 'error', code: 'snapshot.write-failed', ci: p.id, file: this.file, message, hint: "check the file's permissions and free space" }],
          ]),
        );
      }
      for (const p of batch) p.done(results.get(p) ?? []);
    }
  }

  private async writeBatch(batch: readonly Pending[]): Promise<Map<Pending, Diagnostic[]>> {
    // later edits of one identity win, as they would have applied in sequence
    const last = new Map<string, Pending>();
    for (const p of batch) last.set(p.id, p);
    const text = await readFile(this.path, 'utf8');
    const json = this.path.endsWith('.json');
    const next = json ? editJson(text, [...last.values()]) : editYaml(text, [...last.values()]);
    await writeFileAtomic(this.path, next);

    const written = await readFile(this.path, 'utf8');
    const data = (json ? JSON.parse(written) : loadYamlLimited(written)) as { objects?: unknown[] };
    const byId = new Map<string, string>();
    for (const o of data?.objects ?? []) {
      const id = identityOf(o)?.id;
      if (id && !byId.has(id)) byId.set(id, canonicalJson(o));
    }
    const results = new Map<Pending, Diagnostic[]>();
    for (const p of batch) {
      const want = last.get(p.id)!;
      const got = byId.get(p.id);
      const ok = want.object === undefined ? got === undefined : got === canonicalJson(want.object);
      results.set(
        p,
        ok
          ? []
          : [
              {
                severity: 'error',
                code: 'snapshot.verify-failed',
                ci: p.id,
                file: this.file,
                message: `snapshot ${this.file} does not record ${p.id} as written (${got === undefined ? 'it is missing' : 'it differs'})`,
                hint: 'another program may be writing the file; run `plumb plan` again',
              },
            ],
      );
    }
    return results;
  }
}

const writers = new Map<string, SnapshotWriter>();

/** The process-wide writer of one snapshot file. */
export function snapshotWriter(path: string, file: string): SnapshotWriter {
  const key = resolve(path);
  let w = writers.get(key);
  if (!w) writers.set(key, (w = new SnapshotWriter(key, file)));
  return w;
}

function editJson(text: string, edits: readonly SnapshotEdit[]): string {
  const doc = JSON.parse(text) as { objects: Record<string, unknown>[]; owned?: Record<string, readonly string[]> };
  const objects = doc.objects.slice();
  let owned = doc.owned;
  for (const e of edits) {
    if (e.owned !== undefined || e.object === undefined) {
      owned = { ...(owned ?? {}) };
      if (e.owned?.length && e.object !== undefined) owned[e.id] = e.owned;
      else delete owned[e.id];
    }
    const at = objects.findIndex((o) => identityOf(o)?.id === e.id);
    if (e.object === undefined) {
      if (at >= 0) objects.splice(at, 1);
    } else if (at >= 0) objects[at] = e.object;
    else
      objects.splice(
        insertionPoint(
          objects.map((o) => identityOf(o)?.id ?? ''),
          e.id,
        ),
        0,
        e.object,
      );
  }
  const out: Record<string, unknown> = { ...doc, objects };
  if (owned && Object.keys(owned).length) out.owned = owned;
  else delete out.owned;
  return JSON.stringify(out, null, 2) + '\n';
}

function editYaml(text: string, edits: readonly SnapshotEdit[]): string {
  const doc: Document = yamlDocument(text, { uniqueKeys: false, keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
  let seq = doc.get('objects', true) as YAMLSeq | undefined;
  if (!isSeq(seq)) {
    seq = doc.createNode([]) as YAMLSeq;
    doc.set('objects', seq);
  }
  // identities of the items as they stand (the fast parser reads the same text)
  const parsed = loadYamlLimited(text) as { objects?: unknown[] } | undefined;
  const ids: string[] = (parsed?.objects ?? []).map((o) => identityOf(o)?.id ?? '');
  for (const e of edits) {
    if (e.owned !== undefined || e.object === undefined) {
      if (e.owned?.length && e.object !== undefined) doc.setIn(['owned', e.id], doc.createNode([...e.owned]));
      else if (doc.hasIn(['owned', e.id])) doc.deleteIn(['owned', e.id]);
    }
    const at = ids.indexOf(e.id);
    if (e.object === undefined) {
      if (at >= 0) {
        seq.items.splice(at, 1);
        ids.splice(at, 1);
      }
      continue;
    }
    const node = doc.createNode(e.object, { aliasDuplicateObjects: false });
    if (at >= 0) {
      // the comment written above the object belongs to its place in the file
      const old = seq.items[at];
      if (isMap(old) && isMap(node)) {
        node.commentBefore = old.commentBefore;
        node.comment = old.comment;
        node.spaceBefore = old.spaceBefore;
      }
      seq.items[at] = node;
    } else {
      const i = insertionPoint(ids, e.id);
      seq.items.splice(i, 0, node);
      ids.splice(i, 0, e.id);
    }
  }
  const owned = doc.get('owned', true);
  if (isMap(owned) && owned.items.length === 0) doc.delete('owned');
  return doc.toString({ lineWidth: 0 });
}

/** Before the first identity that sorts after `id` (the file's order is kept when it is sorted). */
function insertionPoint(ids: readonly string[], id: string): number {
  const i = ids.findIndex((x) => x > id);
  return i < 0 ? ids.length : i;
}
