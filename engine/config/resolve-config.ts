import { DEFAULT_CONFIG, type PlumbConfig, type TargetConfig } from './types.js';

/**
 * Fills the defaults of docs/architecture.md ("Command line") into a plumb.yaml that has
 * already passed its schema. Nested sections merge field by field, so
 * `limits: {maxAliases: 10}` keeps the default maxFileBytes. The backup path
 * default follows the store: `.plumb/backups` for `dir`, `.plumb/backups.git`
 * for `git`. With exactly one target and no defaultTarget, that target is the
 * default.
 */
export function resolveConfig(raw: Readonly<Record<string, unknown>>, file?: string): PlumbConfig {
  const section = <T extends object>(key: string, fallback: T): T => ({ ...fallback, ...((raw[key] as Partial<T>) ?? {}) });
  const targets = (raw.targets as Record<string, TargetConfig> | undefined) ?? DEFAULT_CONFIG.targets;
  const names = Object.keys(targets);
  const store = (raw.backup as { store?: 'dir' | 'git' } | undefined)?.store ?? DEFAULT_CONFIG.backup.store;
  const backupDefaults = { store, path: store === 'git' ? '.plumb/backups.git' : DEFAULT_CONFIG.backup.path };
  const defaultTarget = (raw.defaultTarget as string | undefined) ?? (names.length === 1 ? names[0] : undefined);
  return {
    inventory: (raw.inventory as string[] | undefined) ?? DEFAULT_CONFIG.inventory,
    policies: (raw.policies as string[] | undefined) ?? DEFAULT_CONFIG.policies,
    schemas: ((raw.schemas as string | undefined) ?? DEFAULT_CONFIG.schemas).replace(/\/+$/, ''),
    targets,
    ...(defaultTarget === undefined ? {} : { defaultTarget }),
    ...(typeof raw.inventoryId === 'string' ? { inventoryId: raw.inventoryId } : {}),
    prune: section('prune', DEFAULT_CONFIG.prune),
    ignoreDifferences: (raw.ignoreDifferences as PlumbConfig['ignoreDifferences'] | undefined) ?? DEFAULT_CONFIG.ignoreDifferences,
    backup: section('backup', backupDefaults),
    sync: section('sync', DEFAULT_CONFIG.sync),
    limits: section('limits', DEFAULT_CONFIG.limits),
    notifications: (raw.notifications as Record<string, unknown> | undefined) ?? DEFAULT_CONFIG.notifications,
    ...(raw.network === undefined ? {} : { network: raw.network as PlumbConfig['network'] }),
    ...(raw.health === undefined ? {} : { health: raw.health as PlumbConfig['health'] }),
    render: section('render', DEFAULT_CONFIG.render),
    ...(raw.metrics === undefined ? {} : { metrics: raw.metrics as Record<string, unknown> }),
    ...(file === undefined ? {} : { file }),
  };
}
