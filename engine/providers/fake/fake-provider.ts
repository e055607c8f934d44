import type { Diagnostic } from '../../model/diagnostic.js';
import { canonicalJson } from '../../model/canonical-json.js';
import type { ApplyRequest, BackupRequest, DiscoverRequest, HealthRequest, ObservedObject, Provider, RestoreRequest } from '../contract.js';
import { isManagedByPlumb, withManagedLabel } from '../managed-label.js';
import { matchesSelector } from '../selector.js';
import { sleep } from '../../concurrency/sleep.js';
import type { Code } from '../../model/codes.js';

/** Faults a test can inject. Every count is 1-based over that operation's calls. */
export interface FakeFaults {
  /** apply answers `ok: false` for these CI ids. */
  readonly failApplyIds?: readonly string[];
  /** apply answers `ok: false` on this call (1 = the first apply). */
  readonly failApplyOnCall?: number;
  /** discover answers an error diagnostic and nothing observed. */
  readonly failDiscover?: boolean;
  /** restore answers `ok: false`. */
  readonly failRestore?: boolean;
  /** Every call waits this long first (abortable). */
  readonly delayMs?: number;
  /** health reports these ids unhealthy. */
  readonly unhealthyIds?: readonly string[];
  /** health never answers until aborted. */
  readonly healthHangs?: boolean;
}

export interface FakeCall {
  readonly operation: 'discover' | 'apply' | 'backup' | 'restore' | 'health';
  readonly request: DiscoverRequest | ApplyRequest | BackupRequest | RestoreRequest | HealthRequest;
}

export interface FakeProvider extends Provider {
  /** Every call, in order. */
  readonly calls: FakeCall[];
  /** The current actual state, by id (inspect or edit in tests to simulate drift). */
  readonly state: Map<string, ObservedObject>;
  /** Faults may be changed between calls. */
  faults: FakeFaults;
}

/**
 * An in-memory provider on the real contract, for engine tests: seeded with
 * observed objects, recording each call, with injectable faults. It behaves as
 * the snapshot provider does (creates carry the managed-by label; backups are
 * canonical JSON), so tests of apply and rollback can compare states exactly.
 */
export function createFakeProvider(options: { name?: string; observed?: readonly ObservedObject[]; faults?: FakeFaults } = {}): FakeProvider {
  const state = new Map((options.observed ?? []).map((o) => [o.id, o]));
  const calls: FakeCall[] = [];
  let applyCalls = 0;
  const name = options.name ?? 'fake';
  const fail = (code: Code, message: string, ci?: string): Diagnostic => ({ severity: 'error', code, message, ...(ci ? { ci } : {}) });

  const provider: FakeProvider = {
    name,
    calls,
    state,
    faults: options.faults ?? {},

    async discover(request, signal) {
      calls.push({ operation: 'discover', request });
      await delay(provider.faults.delayMs, signal);
      if (provider.faults.failDiscover) return { observed: [], diagnostics: [fail('fake.discover-failed', 'injected discover failure')] };
      const observed = [...state.values()].filter((o) => !request.selector || matchesSelector(o.object, request.selector));
      return { observed, diagnostics: [] };
    },

    async apply(request, signal) {
      calls.push({ operation: 'apply', request });
      applyCalls++;
      await delay(provider.faults.delayMs, signal);
      const { id, action } = request.change;
      if (provider.faults.failApplyIds?.includes(id) || provider.faults.failApplyOnCall === applyCalls) {
        return { ok: false, diagnostics: [fail('fake.apply-failed', `injected apply failure for ${id}`, id)] };
      }
      if (action === 'noop') return { ok: true, diagnostics: [], observed: state.get(id) };
      if (action === 'delete') {
        if (!request.dryRun) state.delete(id);
        return { ok: true, diagnostics: [] };
      }
      if (!request.desired) return { ok: false, diagnostics: [fail('provider.no-desired', `apply of ${id} carries no desired document`, id)] };
      const before = state.get(id);
      const object = !before || before.managedByPlumb ? withManagedLabel(request.desired) : { ...request.desired };
      const observed = { id, object, managedByPlumb: isManagedByPlumb(object) };
      if (!request.dryRun) state.set(id, observed);
      return { ok: true, diagnostics: [], observed };
    },

    async backup(request, signal) {
      calls.push({ operation: 'backup', request });
      await delay(provider.faults.delayMs, signal);
      const artifacts = request.ids.map((id) => {
        const o = state.get(id);
        const data = new TextEncoder().encode(o ? canonicalJson(o) : '');
        return { id, exists: o !== undefined, mediaType: 'application/vnd.plumb.fake+json', data };
      });
      return { artifacts, diagnostics: [] };
    },

    async restore(request, signal) {
      calls.push({ operation: 'restore', request });
      await delay(provider.faults.delayMs, signal);
      if (provider.faults.failRestore) return { ok: false, restored: [], diagnostics: [fail('fake.restore-failed', 'injected restore failure')] };
      if (!request.dryRun) {
        for (const a of request.artifacts) {
          if (a.exists) state.set(a.id, JSON.parse(new TextDecoder().decode(a.data)) as ObservedObject);
          else state.delete(a.id);
        }
      }
      return { ok: true, restored: request.artifacts.map((a) => a.id), diagnostics: [] };
    },

    async health(request, signal) {
      calls.push({ operation: 'health', request });
      await delay(provider.faults.delayMs, signal);
      if (provider.faults.healthHangs) await delay(Number.MAX_SAFE_INTEGER, signal);
      const bad = new Set(provider.faults.unhealthyIds ?? []);
      return {
        results: request.ids.map((id) => (bad.has(id) ? { id, healthy: false, message: 'injected health failure' } : { id, healthy: true })),
        diagnostics: [],
      };
    },
  };
  return provider;
}

/** Waits `ms` (none when 0 or unset), rejecting with the signal's reason on abort. */
async function delay(ms: number | undefined, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms) await sleep(ms, signal);
}
