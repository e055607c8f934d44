import { fingerprintOf } from '../../../engine/model/canonical-json.js';
import type { Plan, PlannedChange } from '../../../engine/plan/types.js';
import { createFakeProvider, type FakeProvider } from '../../../engine/providers/fake/fake-provider.js';
import { pluginCode } from '../../../engine/model/codes.js';

/** A config item document for `kind:namespace/name`. */
export function doc(id: string, spec: Record<string, unknown>): Record<string, unknown> {
  const [kind, rest] = id.split(':');
  const [namespace, name] = rest.split('/');
  return { apiVersion: 'plumb.io/v1', kind: kind[0].toUpperCase() + kind.slice(1), metadata: { name, namespace }, spec };
}

/** The fake provider seeded with `id → spec`. */
export function fakeWith(specs: Record<string, Record<string, unknown>>): FakeProvider {
  return createFakeProvider({ observed: Object.entries(specs).map(([id, spec]) => ({ id, object: doc(id, spec) })) });
}

/**
 * Makes apply of `id` write a broken object and then fail: a half-done write,
 * which only a rollback can undo.
 */
export function halfWriteFails(fake: FakeProvider, id: string): void {
  const apply = fake.apply!.bind(fake);
  fake.apply = async (req, signal) => {
    if (req.change.id !== id) return apply(req, signal);
    fake.state.set(id, { id, object: { broken: true } });
    return { ok: false, diagnostics: [{ severity: 'error', code: pluginCode('test.half-write'), message: `half-written ${id}` }] };
  };
}

/** The operations the fake saw, as `operation id,id`, without discover. */
export function writes(fake: FakeProvider): string[] {
  return fake.calls
    .filter((c) => c.operation !== 'discover')
    .map((c) => {
      const r = c.request as { change?: { id: string }; ids?: string[]; artifacts?: { id: string }[] };
      return `${c.operation} ${(r.change ? [r.change.id] : (r.ids ?? r.artifacts?.map((a) => a.id) ?? [])).join(',')}`;
    });
}

/**
 * A plan over one target, as build-plan makes it: each entry is
 * `[id, wave, desired spec | null for delete]`, fingerprinted against the
 * provider's current state, every change backed up.
 */
export function planFor(
  target: string,
  provider: FakeProvider,
  entries: readonly [string, number, Record<string, unknown> | null][],
  extra: Partial<Plan> = {},
): Plan {
  const changes: PlannedChange[] = entries.map(([id, wave, spec]) => ({
    id,
    action: spec === null ? 'delete' : provider.state.has(id) ? 'update' : 'create',
    wave,
    patch: [],
    diff: '',
    provider: provider.name,
    target,
    paths: [],
    ...(spec === null ? {} : { desired: doc(id, spec) }),
  }));
  const fingerprints: Record<string, string> = {};
  for (const [id] of entries) fingerprints[id] = fingerprintOf(provider.state.get(id)?.object);
  return {
    version: 1,
    revision: 'worktree',
    createdAt: '2026-11-25T00:00:00.000Z',
    targets: [target],
    summary: { create: 0, update: 0, delete: 0, noop: 0, unmanaged: 0 },
    fingerprints,
    changes,
    unmanaged: [],
    impact: { sources: [], event: 'change', affected: [], businessServices: [], risk: { score: 0, level: 'low' } },
    policy: { results: [], denied: false },
    backups: changes.map((c) => c.id),
    hash: 'plan-hash-1',
    ...extra,
  };
}
