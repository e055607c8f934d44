import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import type { Provider } from '../providers/contract.js';
import { takeBackup } from './take-backup.js';
import type { BackupManifest, BackupStore } from './types.js';
import { didYouMeanHint } from '../model/did-you-mean.js';

export interface OnDemandBackupInput {
  readonly store: BackupStore;
  readonly providers: ReadonlyMap<string, Provider>;
  /** Target → its desired CIs (the provider is asked about them, and some providers only know those). */
  readonly desired: ReadonlyMap<string, readonly CI[]>;
  /** Only these identities; default every CI of the targets, desired or observed. */
  readonly ids?: readonly string[];
  readonly revision: string | null;
  readonly signal?: AbortSignal;
}

/**
 * `plumb backup [REF...]`: discovers each target, then backs up every CI it
 * has (desired or observed) or just the named ones, as one backup with
 * reason `on-demand` and no plan hash. A named CI no target has is an error
 * (`backup.unknown-ci`), so a typo never yields a silently empty backup.
 */
export async function onDemandBackup(input: OnDemandBackupInput): Promise<{ manifest: BackupManifest; diagnostics: Diagnostic[] }> {
  const signal = input.signal ?? new AbortController().signal;
  const diagnostics: Diagnostic[] = [];
  const ids = new Map<string, string[]>();
  const wanted = input.ids ? new Set(input.ids) : undefined;
  const found = new Set<string>();
  const known = new Set<string>();
  for (const [target, provider] of input.providers) {
    const desired = input.desired.get(target) ?? [];
    const answer = await provider.discover({ desired }, signal);
    diagnostics.push(...answer.diagnostics);
    const all = new Set([...desired.map((c) => c.id), ...answer.observed.map((o) => o.id)]);
    for (const id of all) known.add(id);
    const chosen = [...all].filter((id) => !wanted || wanted.has(id)).sort();
    for (const id of chosen) found.add(id);
    ids.set(target, chosen);
  }
  const missing = input.ids?.filter((id) => !found.has(id)) ?? [];
  if (missing.length > 0) {
    throw new PlumbError('backup.unknown-ci', `no target has ${missing.join(', ')}`, {
      hint: didYouMeanHint(missing, known, 'name CIs as kind:namespace/name; `plumb graph -o json` lists the CIs'),
      data: { ids: missing },
    });
  }
  const taken = await takeBackup({
    store: input.store,
    providers: input.providers,
    ids,
    revision: input.revision,
    planHash: null,
    reason: 'on-demand',
    signal,
  });
  return { manifest: taken.manifest, diagnostics: [...diagnostics, ...taken.diagnostics] };
}
