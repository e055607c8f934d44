import type { LoadedRepository } from '../../load/types.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { redactObject } from '../../redact/redact-object.js';
import { secretPointersOf } from '../../redact/secret-pointers.js';
import { createProvider, providerName, selectDesired } from '../registry.js';
import type { SnapshotFile } from './read-snapshot.js';

export interface RecordSnapshotInput {
  readonly repo: Pick<LoadedRepository, 'root' | 'config' | 'cis' | 'schemas' | 'revision'>;
  readonly target: string;
  readonly now: Date;
  readonly signal: AbortSignal;
  readonly cliSettings?: { kubeconfig?: string; context?: string };
}

/**
 * Discovers a target and records what it saw as a snapshot (the input of the
 * `snapshot` provider): objects sorted by identity, and every secret value —
 * Kubernetes Secret data, schema `x-plumb-secret` fields — written as
 * `(sensitive)`. A snapshot is a record to review and replay, often committed;
 * so a redacted secret reads as "unknown" to the diff, never as drift.
 */
export async function recordSnapshot(input: RecordSnapshotInput): Promise<{ snapshot?: SnapshotFile; diagnostics: Diagnostic[] }> {
  const { repo, target: name } = input;
  const target = repo.config.targets[name];
  const provider = createProvider(name, target, { root: repo.root, config: repo.config, ...input.cliSettings });
  try {
    const answer = await provider.discover({ desired: selectDesired(target, name, repo.cis) }, input.signal);
    if (answer.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: [...answer.diagnostics] };
    const objects = [...answer.observed]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((o) => {
        const kind = typeof o.object.kind === 'string' ? o.object.kind : '';
        return redactObject(o.object, secretPointersOf(o.object, repo.schemas.get(kind)?.schema)) as Record<string, unknown>;
      });
    const owned: Record<string, readonly string[]> = {};
    for (const o of answer.observed) if (o.owned?.length) owned[o.id] = o.owned;
    const metadata = { name, takenAt: input.now.toISOString(), target: name, provider: providerName(name, target), revision: repo.revision };
    return { snapshot: { metadata, objects, ...(Object.keys(owned).length ? { owned } : {}) }, diagnostics: [...answer.diagnostics] };
  } finally {
    await provider.close?.();
  }
}
