import { sleep } from '../../concurrency/sleep.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { apiDiagnostic } from './api-errors.js';
import { collectionPath, type ApiResource } from './discovery.js';
import type { HealthVerdict } from './health.js';
import { KubeApiError, type KubeClient } from './kube-client.js';

type Obj = Record<string, any>;

/** One identity's answer, as the provider's `health` returns it. */
export interface HealthResult {
  readonly id: string;
  readonly healthy: boolean;
  readonly message: string;
}

/** What the wait needs of the provider. */
export interface HealthWaitDeps {
  readonly client: KubeClient;
  /** The served resource of a lowercased identity kind (`deployment`), undefined when not served. */
  findKind(kind: string, signal: AbortSignal): Promise<ApiResource | undefined>;
  /** Reads objects by identity, as the provider's `readMany` (the polling fallback). */
  readMany(ids: readonly string[], signal: AbortSignal): Promise<Map<string, { r: ApiResource; object?: Obj } | undefined | { error: unknown }>>;
  /** The verdict for a live object: plumb.yaml's rule first, then the built-in ones; `'no-wait'` for a kind not waited for. */
  judge(object: Obj): HealthVerdict | 'no-wait';
  /** The interval of the polling fallback, at most (ms). */
  readonly pollMs: number;
  /** A watch of `r` the API server refused (RBAC allows get and list but not watch): the provider says so once. */
  watchRefused(r: ApiResource, namespace: string | undefined, error: unknown): void;
}

/** Objects of one resource in one namespace watched through one collection watch from this many on (fewer: one watch each, by name). */
const WATCH_COLLECTION_AT_LEAST = 4;

/** The longest pause between two attempts when a watch keeps ending or failing at once. */
const MAX_BACKOFF_MS = 1_000;

/**
 * Waits until every object in `ids` is healthy or has failed for good, or the
 * time is up, the way `kubectl rollout status` and Flux's health checks
 * (kstatus) wait: a list for the current state and its resourceVersion, then a
 * watch from that resourceVersion, so a status change is seen the moment the
 * API server stores it instead of at the next poll.
 *
 * - `written`: the objects as the API server answered each write of this
 *   wave: the first observation. An object healthy as written (a ConfigMap, a
 *   Service, a Namespace) is settled without a read, so only what is really
 *   pending (a Deployment rolling out) is listed and watched.
 * - The pending objects are grouped by resource and namespace, and every
 *   group is waited on at once: one list and one watch of the collection
 *   where {@link WATCH_COLLECTION_AT_LEAST} or more are pending, else one
 *   list and one watch per object (`fieldSelector=metadata.name=…`), as
 *   `kubectl rollout status` does.
 * - The watch asks for bookmarks, so its resourceVersion stays recent. A watch
 *   the server ends early (its own timeout, a dropped connection, a restart)
 *   is resumed from the last resourceVersion seen; `410 Gone` (a
 *   resourceVersion compacted away, as an HTTP status or an ERROR event) lists
 *   again. Attempts that end at once back off up to {@link MAX_BACKOFF_MS}.
 * - An object deleted while it is waited on (a `DELETED` event, or missing
 *   from a read after it was seen) fails at once: it cannot become healthy
 *   (`kubectl rollout status` ends the same way). One never seen stays
 *   `does not exist` until it appears or the time is up.
 * - A resource whose watch RBAC refuses (get and list allowed, not watch), or
 *   that does not serve watch at all: polled instead, as before this watch
 *   existed (every {@link HealthWaitDeps.pollMs} at most, from 100 ms
 *   doubling); a refusal is reported once through `watchRefused`.
 * - The wait ends by `timeoutMs` less a margin for answering (a tenth, at
 *   most 500 ms), so the answer names each object's last state rather than the
 *   caller's generic timeout: `not healthy after N s: <last state>`. Ended
 *   earlier by `signal` (Ctrl-C): `not healthy when the wait was interrupted
 *   after N s: <last state>`, and every watch is closed.
 *
 * Hand-written over client-node's `Watch`/`ListWatch`: those retry on their
 * own schedule (ListWatch relists and re-watches without end), cannot resume
 * a watch from a bookmark's resourceVersion on an early close, and have no
 * notion of a deadline; the stream is read by {@link KubeClient.watch}, with
 * the same credentials and TLS as every other call.
 */
export async function waitHealthy(
  ids: readonly string[],
  written: ReadonlyMap<string, Readonly<Obj>> | undefined,
  timeoutMs: number,
  deps: HealthWaitDeps,
  signal: AbortSignal,
): Promise<HealthResult[]> {
  const started = Date.now();
  const margin = Math.min(500, timeoutMs / 10);
  const waitMs = Math.max(0, timeoutMs - margin);
  const deadline = Date.now() + waitMs;
  const stop = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, waitMs))]);
  const state = new WaitState(deps.judge);
  for (const id of ids) {
    const o = written?.get(id);
    if (o) state.observe(id, o as Obj);
  }
  const groups = new Map<string, { kind: string; namespace: string; ids: string[] }>();
  for (const id of ids) {
    if (state.settled.has(id)) continue;
    const { kind, namespace } = parseId(id);
    const key = `${kind} ${namespace}`;
    const g = groups.get(key) ?? { kind, namespace, ids: [] };
    g.ids.push(id);
    groups.set(key, g);
  }
  await Promise.all(
    [...groups.values()].map(async (g) => {
      const r = await deps.findKind(g.kind, stop).catch(() => undefined);
      const namespace = g.namespace === CLUSTER ? undefined : g.namespace;
      if (!r || !r.verbs.includes('watch') || !r.verbs.includes('list')) return poll(g.ids, state, deps, deadline, stop);
      const subjects = g.ids.length >= WATCH_COLLECTION_AT_LEAST ? [g.ids] : g.ids.map((id) => [id]);
      await Promise.all(subjects.map((subject) => follow(r, namespace, subject, state, deps, deadline, stop)));
    }),
  );
  // stopped by the caller (Ctrl-C) well before the time was up: say so, not that it waited the whole timeout
  const ended = signal.aborted && Date.now() < deadline ? `the wait was interrupted after ${Math.round((Date.now() - started) / 1000)} s` : undefined;
  return ids.map(
    (id) =>
      state.settled.get(id) ?? {
        id,
        healthy: false,
        message: `${ended ? `not healthy when ${ended}` : `not healthy after ${Math.round(timeoutMs / 1000)} s`}: ${state.last.get(id) ?? 'not checked'}`,
      },
  );
}

const CLUSTER = '_cluster';

/** What is known of each object waited on. */
class WaitState {
  readonly settled = new Map<string, HealthResult>();
  readonly last = new Map<string, string>();
  /** Identities seen to exist once: missing later means deleted. */
  readonly seen = new Set<string>();

  constructor(private readonly judge: HealthWaitDeps['judge']) {}

  observe(id: string, object: Obj): void {
    if (this.settled.has(id)) return;
    this.seen.add(id);
    const v = this.judge(object);
    if (v === 'no-wait') {
      this.settled.set(id, { id, healthy: true, message: 'not waited for (plumb.yaml health.checks: wait: false)' });
      return;
    }
    this.last.set(id, v.message);
    if (v.healthy || v.done) this.settled.set(id, { id, healthy: v.healthy, message: v.message });
  }

  absent(id: string): void {
    if (this.settled.has(id)) return;
    if (this.seen.has(id)) this.settled.set(id, { id, healthy: false, message: 'deleted while waiting for it to become healthy' });
    else this.last.set(id, 'does not exist');
  }

  open(ids: readonly string[]): string[] {
    return ids.filter((id) => !this.settled.has(id));
  }
}

/** List, then watch from the list's resourceVersion, until the subject's objects are settled or the time is up. */
async function follow(
  r: ApiResource,
  namespace: string | undefined,
  subject: readonly string[],
  state: WaitState,
  deps: HealthWaitDeps,
  deadline: number,
  stop: AbortSignal,
): Promise<void> {
  const byName = new Map(subject.map((id) => [parseId(id).name, id]));
  const name = subject.length === 1 ? parseId(subject[0]!).name : undefined;
  const selector = name === undefined ? undefined : `metadata.name=${name}`;
  let resourceVersion: string | undefined;
  let backoff = 0;
  const pause = async () => {
    backoff = Math.min(MAX_BACKOFF_MS, backoff ? backoff * 2 : 100);
    await sleep(Math.min(backoff, deadline - Date.now()), stop).catch(() => undefined);
  };
  while (!stop.aborted && state.open(subject).length > 0 && Date.now() < deadline) {
    if (resourceVersion === undefined) {
      try {
        resourceVersion = await listOnce(r, namespace, selector, byName, state, deps.client, stop);
      } catch (e) {
        if (stop.aborted) return;
        if (e instanceof KubeApiError && e.status === 403) return poll(state.open(subject), state, deps, deadline, stop);
        for (const id of state.open(subject)) state.last.set(id, apiDiagnostic(e, { verb: 'list', resource: r, namespace }).message);
        await pause();
        continue;
      }
      if (state.open(subject).length === 0) return;
    }
    const done = new AbortController();
    const q = new URLSearchParams({
      watch: '1',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.max(1, Math.ceil((deadline - Date.now()) / 1000))),
    });
    if (selector) q.set('fieldSelector', selector);
    let events = 0;
    try {
      await deps.client.watch(
        `${collectionPath(r, namespace)}?${q}`,
        (event) => {
          if (event.type === 'ERROR') {
            const s = (event.object ?? {}) as Obj;
            throw new KubeApiError(Number(s.code ?? 500), String(s.reason ?? 'Error'), String(s.message ?? 'watch error'), s.details, s.kind === 'Status');
          }
          events++;
          const o = (event.object ?? {}) as Obj;
          if (o.metadata?.resourceVersion) resourceVersion = String(o.metadata.resourceVersion);
          if (event.type === 'BOOKMARK') return;
          const id = byName.get(String(o.metadata?.name));
          if (!id) return;
          if (event.type === 'DELETED') state.absent(id);
          else state.observe(id, { apiVersion: r.groupVersion, kind: r.kind, ...o });
          if (state.open(subject).length === 0) done.abort();
        },
        AbortSignal.any([stop, done.signal]),
        // the server ends the watch at timeoutSeconds; a connection silent well beyond it is dead
        Math.max(1_000, deadline - Date.now()) + 10_000,
      );
      if (events === 0 && !done.signal.aborted) await pause();
      else backoff = 0;
    } catch (e) {
      if (stop.aborted) return;
      if (e instanceof KubeApiError && e.status === 410) {
        // the resourceVersion was compacted away: the current state again, from a fresh list
        resourceVersion = undefined;
        continue;
      }
      if (e instanceof KubeApiError && (e.status === 403 || e.status === 405)) {
        if (e.status === 403) deps.watchRefused(r, namespace, e);
        return poll(state.open(subject), state, deps, deadline, stop);
      }
      // a dropped connection, a 5xx: resume from the last resourceVersion seen (a 410 then lists again)
      await pause();
    }
  }
}

/** One list of the subject's objects (every page, KubeClient.listPages); observes each; returns the list's resourceVersion. */
async function listOnce(
  r: ApiResource,
  namespace: string | undefined,
  selector: string | undefined,
  byName: ReadonlyMap<string, string>,
  state: WaitState,
  client: KubeClient,
  signal: AbortSignal,
): Promise<string> {
  const found = new Set<string>();
  let resourceVersion = '';
  const q = new URLSearchParams({ limit: '500' });
  if (selector) q.set('fieldSelector', selector);
  await client.listPages(collectionPath(r, namespace), q, { signal }, (items, restarted, metadata) => {
    if (restarted) found.clear();
    resourceVersion = String(metadata.resourceVersion ?? '');
    for (const item of items as Obj[]) {
      const id = byName.get(String(item.metadata?.name));
      if (!id) continue;
      found.add(id);
      state.observe(id, { apiVersion: r.groupVersion, kind: r.kind, ...item });
    }
  });
  for (const id of byName.values()) if (!found.has(id)) state.absent(id);
  return resourceVersion;
}

/**
 * The fallback: reads the pending objects together ({@link HealthWaitDeps.readMany})
 * after 100 ms, then twice as long each round up to `pollMs`, until settled
 * or the time is up.
 */
async function poll(ids: readonly string[], state: WaitState, deps: HealthWaitDeps, deadline: number, stop: AbortSignal): Promise<void> {
  let pending = state.open(ids);
  for (let round = 0; pending.length > 0 && !stop.aborted; round++) {
    const read = await deps.readMany(pending, stop).catch(() => undefined);
    // a read the wait's own end (its timeout, Ctrl-C) cut short says nothing of the objects: their last state stands
    if (!read || stop.aborted) return;
    for (const id of pending) {
      const live = read.get(id);
      if (live && 'error' in live) state.last.set(id, apiDiagnostic(live.error, { verb: 'get', id }).message);
      // its kind is not served (yet: a CRD being established): nothing is known of it, which is not "deleted"
      else if (live === undefined) state.last.set(id, 'its kind is not served by the API server (yet)');
      else if (!live.object) state.absent(id);
      else state.observe(id, live.object);
    }
    pending = state.open(pending);
    const delay = Math.min(deps.pollMs, 100 * 2 ** round);
    if (pending.length === 0 || Date.now() + delay > deadline) return;
    await sleep(delay, stop).catch(() => undefined);
  }
}

function parseId(id: string): { kind: string; namespace: string; name: string } {
  const colon = id.indexOf(':');
  const slash = id.indexOf('/', colon);
  return { kind: id.slice(0, colon), namespace: id.slice(colon + 1, slash), name: id.slice(slash + 1) };
}

/** The warning a refused watch gives, once per resource. */
export function watchRefusedWarning(r: ApiResource, namespace: string | undefined, error: unknown, pollMs: number): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    severity: 'warning',
    code: 'kubernetes.watch-forbidden',
    message: `cannot watch ${r.plural}${namespace ? ` in namespace ${namespace}` : ''} (${reason}): their health is read every ${pollMs / 1000} s instead, so a wave may wait up to that much longer`,
    hint: `grant watch on ${r.plural} beside get and list (as kubectl rollout status needs)`,
  };
}
