import { createJsonlAuditLog } from '../audit/jsonl-audit-log.js';
import type { AuditLog } from '../audit/types.js';
import { openBackupStore } from '../backup/open-store.js';
import type { BackupStore } from '../backup/types.js';
import type { PlumbConfig } from '../config/types.js';
import { createFileLocker } from '../lock/file-locker.js';
import type { TargetLocker } from '../lock/types.js';
import { PlumbError } from '../model/errors.js';
import type { Provider } from '../providers/contract.js';
import { createProvider, type OpenProvider } from '../providers/registry.js';
import { ensureStateDir } from './state-dir.js';
import { didYouMeanHint } from '../model/did-you-mean.js';

export interface ApplyContext {
  readonly providers: Map<string, Provider>;
  readonly backupStore: BackupStore;
  readonly lock: TargetLocker;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/**
 * Everything apply, backup and restore need around the engine, built from the
 * repository's plumb.yaml: a provider per target (through the registry), the
 * configured backup store, file locks under `.plumb/locks` and the audit log
 * `.plumb/audit.jsonl`. Unknown targets are PlumbError `target.unknown`.
 */
export async function openApplyContext(opts: {
  readonly root: string;
  readonly config: PlumbConfig;
  readonly targets: readonly string[];
  readonly breakLock?: boolean;
  /** `--kubeconfig`/`--context`, for providers that read them. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  /** Opens each target's provider (default {@link createProvider}); `close()` closes what it returned. */
  readonly openProvider?: OpenProvider;
}): Promise<ApplyContext> {
  const state = await ensureStateDir(opts.root);
  const providers = new Map<string, Provider>();
  // the CEL engine loads only when plumb.yaml has health checks
  const healthRule = opts.config.health?.checks?.length ? (await import('./health-rules.js')).compileHealthRules(opts.config.health) : undefined;
  for (const name of opts.targets) {
    const target = opts.config.targets[name];
    if (!target) throw unknownTarget(name, opts.config);
    providers.set(
      name,
      (opts.openProvider ?? createProvider)(name, target, { ...opts.cliSettings, root: opts.root, config: opts.config, ...(healthRule ? { healthRule } : {}) }),
    );
  }
  return {
    providers,
    backupStore: openBackupStore(opts.config.backup, opts.root),
    lock: createFileLocker({ dir: state.locks, breakLock: opts.breakLock }),
    audit: createJsonlAuditLog(state.audit),
    async close() {
      await Promise.all([...providers.values()].map((p) => p.close?.()));
    },
  };
}

export function unknownTarget(name: string, config: PlumbConfig): PlumbError {
  const known = Object.keys(config.targets);
  return new PlumbError('target.unknown', `plumb.yaml has no target ${name}`, {
    hint: didYouMeanHint(name, known, known.length ? `known targets: ${known.join(', ')}` : 'add a target under `targets:` in plumb.yaml'),
    data: { target: name, known },
  });
}
