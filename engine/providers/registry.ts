import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { PlumbConfig, TargetConfig } from '../config/types.js';
import { effectiveProvider, type CI } from '../model/ci.js';
import { PlumbError } from '../model/errors.js';
import type { Provider } from './contract.js';
import { parseDuration } from '../model/duration.js';
import { createExecProvider } from './exec/exec-provider.js';
import { createFileProvider } from './file/file-provider.js';
import { endpointProviderFromTarget } from './endpoint/from-target.js';
import { createHostProvider } from './host/host-provider.js';
import { lazyProvider } from './lazy-provider.js';
import { scrubbingProvider } from './scrubbing-provider.js';
import { setRepositoryReach } from '../network/reach-policy.js';
import { inventoryOf } from './managed-label.js';
import { createSnapshotProvider } from './snapshot/snapshot-provider.js';

export interface ProviderContext {
  /** Absolute repository root: relative paths in target settings start here. */
  readonly root: string;
  readonly config: PlumbConfig;
  /** `--kubeconfig` / `--context` from the command line, for providers that read them. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** `--force-conflicts`: server-side apply takes over fields other managers own. */
  readonly forceConflicts?: boolean;
  /** This target's ownership label value; default from plumb.yaml's inventoryId (engine/providers/managed-label.ts). */
  readonly inventory?: string;
  /** plumb.yaml's per-kind health rules, compiled (engine/apply/health-rules.ts), for providers that check health by kind. */
  readonly healthRule?: import('./kubernetes/health.js').HealthRule;
}

type Factory = (targetName: string, target: TargetConfig, ctx: ProviderContext) => Provider;

/**
 * Opens the provider of one target: {@link createProvider} by default. An
 * operation calls it once per target it reads or writes and closes what it
 * returns (`close()`, when the provider has one) before it returns. Tests and
 * embedders pass their own — the in-memory fake (engine/providers/fake/) in
 * place of a target's real provider — through the operations' `openProvider`.
 */
export type OpenProvider = (targetName: string, target: TargetConfig, ctx: ProviderContext) => Provider;

/**
 * One factory per provider kind, reading that provider's settings from the
 * target (plumb.yaml `targets.NAME`).
 *
 * ```yaml
 * targets:
 *   recorded: {provider: snapshot, path: observed/snapshot.yaml}
 *   hosts:    {provider: file, roots: [/etc/plumb-managed]}
 *   cmdb:     {provider: exec, command: ./plugins/cmdb, args: [--region, eu], timeout: 30s, env: {CMDB_URL: https://…}}
 *   cluster:  {provider: kubernetes, context: prod, namespaces: [shop], labelSelector: team=shop}
 * ```
 */
const FACTORIES: Readonly<Record<string, Factory>> = {
  snapshot: (name, target, { root, inventory }) => {
    const path = requireString(name, target, 'path');
    const abs = resolve(root, path);
    return createSnapshotProvider({ path: abs, file: displayPath(root, abs), inventory });
  },
  file: (name, target, { root, config }) => {
    const roots = target.roots;
    if (!Array.isArray(roots) || !roots.every((r) => typeof r === 'string' && r)) {
      throw badSetting(name, 'roots', 'a list of directories, e.g. `roots: [/srv/app]`');
    }
    return createFileProvider({ roots, base: root, maxFileBytes: config.limits.maxFileBytes });
  },
  exec: (name, target, { root }) => {
    const command = requireString(name, target, 'command');
    const args = target.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw badSetting(name, 'args', 'a list of strings');
    const env = target.env ?? {};
    if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) throw badSetting(name, 'env', 'a map of strings');
    const timeoutMs = target.timeout === undefined ? undefined : parseDuration(target.timeout, `targets.${name}.timeout`);
    return createExecProvider({ name, command, args, env: env as Record<string, string>, cwd: root, timeoutMs });
  },
  kubernetes: (name, target, { root, kubeconfig, context, forceConflicts, inventory, healthRule }) => {
    const optionalString = (key: string) => {
      const v = target[key];
      if (v !== undefined && (typeof v !== 'string' || !v)) throw badSetting(name, key, 'a non-empty string');
      return v as string | undefined;
    };
    const namespaces = target.namespaces;
    if (namespaces !== undefined && (!Array.isArray(namespaces) || !namespaces.every((n) => typeof n === 'string' && n))) {
      throw badSetting(name, 'namespaces', 'a list of namespace names');
    }
    const concurrency = target.concurrency;
    if (concurrency !== undefined && (typeof concurrency !== 'number' || concurrency < 1)) throw badSetting(name, 'concurrency', 'a positive number');
    // the command line wins over plumb.yaml, as kubectl's flags win over its kubeconfig
    const file = kubeconfig ?? optionalString('kubeconfig');
    // plumb.yaml is Git content and Git stores links: the kubeconfig it names must be a file (a committed link to a
    // FIFO blocked the plan for good, one to /dev/zero was read to 2 GiB, twice); --kubeconfig is the operator's own
    // (`--kubeconfig <(sops -d kubeconfig.enc)` is a pipe, which kubectl reads too)
    if (kubeconfig === undefined && file !== undefined) requireRegularFile(name, 'kubeconfig', resolve(root, file));
    // the Kubernetes client costs ~270 ms to import: only when a kubernetes target is used
    return lazyProvider('kubernetes', async () =>
      (await import('./kubernetes/kubernetes-provider.js')).createKubernetesProvider({
        kubeconfig: file ? resolve(root, file) : undefined,
        context: context ?? optionalString('context'),
        inCluster: target.inCluster === true,
        namespaces: namespaces as string[] | undefined,
        labelSelector: optionalString('labelSelector'),
        fieldSelector: optionalString('fieldSelector'),
        forceConflicts: forceConflicts ?? target.forceConflicts === true,
        concurrency: concurrency as number | undefined,
        inventory,
        ...(healthRule ? { healthRule } : {}),
      }),
    );
  },
  endpoint: (name, target, { root }) => endpointProviderFromTarget(name, target, root),
  host: () => createHostProvider(),
};

export const KNOWN_PROVIDERS: readonly string[] = Object.keys(FACTORIES);

/**
 * Builds the provider a target names. Settings are checked here, so a bad
 * plumb.yaml fails before anything is discovered: PlumbError
 * `provider.unknown` (with the known list) or `provider.bad-setting`.
 */
export function createProvider(targetName: string, target: TargetConfig, ctx: ProviderContext): Provider {
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, target.provider) ? FACTORIES[target.provider] : undefined;
  if (!factory) {
    throw new PlumbError('provider.unknown', `target ${targetName} names the provider ${JSON.stringify(target.provider)}, which this plumb does not have`, {
      hint: `known providers: ${KNOWN_PROVIDERS.join(', ')}`,
      data: { target: targetName, provider: target.provider, known: KNOWN_PROVIDERS },
    });
  }
  return scrubbingProvider(factory(targetName, target, { ...ctx, inventory: ctx.inventory ?? inventoryOf(ctx.config, ctx.root, targetName) }));
}

/** The provider name changes of this target carry (`exec:NAME` for exec targets). */
export function providerName(targetName: string, target: TargetConfig): string {
  return target.provider === 'exec' ? `exec:${targetName}` : target.provider;
}

/**
 * The desired CIs a target owns (engine/config/types.ts, TargetConfig.select).
 * Without `select.providers`, a CI belongs to the target when its effective
 * provider is the target's (`exec:NAME` for exec; a snapshot target owns every
 * CI, since it records all of them). `kinds` (case-insensitive), `namespaces`
 * and `labels` narrow it further. One pass over the CIs.
 */
export function selectDesired(target: TargetConfig, targetName: string, cis: readonly CI[]): CI[] {
  const sel = target.select ?? {};
  const providers = sel.providers ? new Set(sel.providers) : undefined;
  const own = providerName(targetName, target);
  const kinds = sel.kinds ? new Set(sel.kinds.map((k) => k.toLowerCase())) : undefined;
  const namespaces = sel.namespaces ? new Set(sel.namespaces) : undefined;
  const labels = sel.labels ? Object.entries(sel.labels) : [];
  return cis.filter((ci) => {
    if (providers) {
      const p = effectiveProvider(ci);
      if (p === undefined || !providers.has(p)) return false;
    } else if (target.provider !== 'snapshot' && effectiveProvider(ci) !== own) return false;
    if (kinds && !kinds.has(ci.kind.toLowerCase())) return false;
    if (namespaces && !namespaces.has(ci.namespace)) return false;
    for (const [k, v] of labels) if (ci.labels[k] !== v) return false;
    return true;
  });
}

function requireString(name: string, target: TargetConfig, key: string): string {
  const v = target[key];
  if (typeof v !== 'string' || !v) throw badSetting(name, key, 'a non-empty string');
  return v;
}

/** Refuses a path a setting names that is a FIFO, socket or device (opened without blocking; a missing file is the reader's to report). */
function requireRegularFile(name: string, key: string, path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return;
  }
  try {
    const info = fstatSync(fd);
    if (info.isFile() || info.isDirectory()) return;
    const what = info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'a device';
    throw new PlumbError('provider.bad-setting', `targets.${name}.${key} names ${what}, not a file: ${path}`, {
      hint: 'name a file in plumb.yaml, or pass --kubeconfig on the command line',
      data: { target: name, setting: key },
    });
  } finally {
    closeSync(fd);
  }
}

function badSetting(name: string, key: string, expected: string): PlumbError {
  return new PlumbError('provider.bad-setting', `targets.${name}.${key} must be ${expected}`, {
    hint: 'fix the target in plumb.yaml',
    data: { target: name, setting: key },
  });
}

function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : abs;
}
