import type { LoadedRepository } from '../../load/types.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { isPlumbError } from '../../model/errors.js';
import type { Provider } from '../../providers/contract.js';
import { createHostProvider } from '../../providers/host/host-provider.js';
import { createProvider, selectDesired, type ProviderContext } from '../../providers/registry.js';
import { probeEndpoints, type ProbeRound } from './probe-endpoints.js';
import type { HealthEvent } from '../events.js';
import { hostEvents, readHostUsage, type HostThresholds, type HostUsage } from './host-signals.js';
import { hasHealth, kubernetesEvents, healthKindOf } from './kubernetes-signals.js';

export interface SignalRound {
  readonly events: HealthEvent[];
  /** Endpoint CIs probed, and of which down (for the controller's gauges). */
  readonly probed: number;
  readonly down: number;
  readonly diagnostics: Diagnostic[];
}

export interface CollectOptions {
  readonly now: Date;
  readonly signal: AbortSignal;
  /** kubeconfig/context and other settings of the command line, for the Kubernetes targets. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  /** Injectable for tests: the endpoint probe round (default probeEndpoints). */
  readonly probe?: (repo: LoadedRepository, signal: AbortSignal) => Promise<ProbeRound>;
  /** Injectable for tests: this machine's usage (default readHostUsage). */
  readonly usage?: () => HostUsage;
  /** Per exec plugin health call (default 10 s). */
  readonly execTimeoutMs?: number;
}

/**
 * One round of health signals from every provider that can observe health,
 * as events (engine/correlate/events.ts):
 *
 * - **endpoint**: the watched Endpoint CIs are probed (probe-endpoints.ts): a
 *   failed probe is `down` (major), a certificate under its warning days is
 *   `certificate-expiring` (warning);
 * - **kubernetes**: each `provider: kubernetes` target's CIs that have a
 *   health of their own (workloads, Jobs, anything with a Ready condition)
 *   are listed once and read as kubernetes-signals.ts says (`unavailable`,
 *   `job-failed`, `not-ready`);
 * - **exec**: each exec target's plugin is asked `health` for its CIs
 *   (`unhealthy`, major, with the plugin's message);
 * - **host**: Host CIs with `spec.thresholds` that are this machine: load,
 *   memory and disk against them (host-signals.ts).
 *
 * A source that cannot answer (API server unreachable, plugin crashed)
 * yields diagnostics and no events — an unanswered question is not an
 * outage, and its CIs keep their conditions as they were.
 */
export async function collectHealthEvents(repo: LoadedRepository, options: CollectOptions): Promise<SignalRound> {
  const time = options.now.toISOString();
  const events: HealthEvent[] = [];
  const diagnostics: Diagnostic[] = [];

  const probe = await (options.probe ?? probeEndpoints)(repo, options.signal);
  diagnostics.push(...probe.diagnostics);
  for (const f of probe.failures) {
    const kind = f.kind ?? 'down';
    events.push({ ci: f.ci, kind, time, detail: f.reason, severity: kind === 'down' ? 'major' : 'warning', source: 'endpoint' });
  }
  for (const r of probe.recoveries) {
    const { ci, kind } = typeof r === 'string' ? { ci: r, kind: 'down' } : r;
    events.push({ ci, kind: kind ?? 'down', time, detail: 'up', severity: 'cleared', source: 'endpoint' });
  }

  const context: ProviderContext = { ...options.cliSettings, root: repo.root, config: repo.config };
  for (const [name, target] of Object.entries(repo.config.targets)) {
    if (options.signal.aborted) break;
    if (target.provider !== 'kubernetes' && target.provider !== 'exec') continue;
    const cis = selectDesired(target, name, repo.cis).filter((ci) => target.provider !== 'kubernetes' || hasHealth(healthKindOf(ci)));
    if (cis.length === 0) continue;
    let provider: Provider;
    try {
      provider = createProvider(name, target, context);
    } catch (e) {
      if (!isPlumbError(e)) throw e;
      diagnostics.push({ severity: 'error', code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), file: 'plumb.yaml' });
      continue;
    }
    try {
      if (target.provider === 'kubernetes') {
        const answer = await provider.discover({ desired: cis, withStatus: true }, options.signal);
        diagnostics.push(...answer.diagnostics.filter((d) => d.severity === 'error'));
        if (answer.diagnostics.some((d) => d.severity === 'error')) continue;
        const live = new Map(answer.observed.map((o) => [o.id, o.object]));
        for (const ci of cis) events.push(...kubernetesEvents(ci.id, live.get(ci.id), healthKindOf(ci), time));
      } else if (provider.health) {
        const answer = await provider.health({ ids: cis.map((ci) => ci.id), timeoutMs: options.execTimeoutMs ?? 10_000 }, options.signal);
        diagnostics.push(...answer.diagnostics);
        if (answer.diagnostics.some((d) => d.severity === 'error')) continue;
        const known = new Set(cis.map((ci) => ci.id));
        for (const r of answer.results) {
          if (!known.has(r.id)) continue;
          events.push(
            r.healthy
              ? { ci: r.id, kind: 'unhealthy', time, detail: 'healthy', severity: 'cleared', source: `exec:${name}` }
              : { ci: r.id, kind: 'unhealthy', time, detail: r.message ?? 'unhealthy', severity: 'major', source: `exec:${name}` },
          );
        }
      }
    } finally {
      await provider.close?.();
    }
  }

  const watched = repo.cis.filter((ci) => ci.kind === 'Host' && thresholdsOf(ci.object));
  if (watched.length && !options.signal.aborted) {
    const answer = await createHostProvider().discover({ desired: watched }, options.signal);
    const usage = (options.usage ?? readHostUsage)();
    for (const o of answer.observed) {
      const ci = watched.find((c) => c.id === o.id)!;
      events.push(...hostEvents(ci.id, thresholdsOf(ci.object), usage, time));
    }
  }
  return { events, probed: probe.probed, down: probe.down, diagnostics };
}

function thresholdsOf(object: Readonly<Record<string, unknown>>): HostThresholds | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  const t = spec?.thresholds;
  return t && typeof t === 'object' ? (t as HostThresholds) : undefined;
}
