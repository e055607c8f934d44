import type { CI } from '../model/ci.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { evaluateCapacity } from './evaluate.js';
import { metricsSettings, openMetricsSource } from './metrics-config.js';
import { MetricsError } from './prometheus.js';
import { signalsOf } from './signals.js';
import type { CapacityStatus, SignalReport } from './types.js';

/**
 * What policies read as `capacity` for one CI, and what plan and review warn
 * with: every signal's figures, and for the CI as a whole the worst status and
 * the soonest day counts. A day count is absent (not null) when no signal
 * reaches its level within a year, so CEL reads it with `has(…)`:
 *
 * ```cel
 * has(capacity.daysToExhaustion) && capacity.daysToExhaustion <= 14.0
 * ```
 */
export interface CapacityView {
  /** `none` when the CI declares no signal. */
  readonly status: CapacityStatus | 'none';
  /** Some signal is `warning` or `critical`. */
  readonly atRisk: boolean;
  /** The soonest day on which some signal reaches its capacity. */
  readonly daysToExhaustion?: number;
  /** The soonest day on which some signal passes its headroom limit. */
  readonly daysToLimit?: number;
  readonly signals: readonly {
    readonly name: string;
    readonly status: CapacityStatus;
    readonly reason: string;
    readonly now?: number;
    readonly capacity?: number;
    readonly limit?: number;
    readonly forecast?: number;
    readonly horizonDays: number;
    readonly method?: string;
    readonly daysToExhaustion?: number;
    readonly daysToLimit?: number;
  }[];
}

export const NO_CAPACITY: CapacityView = { status: 'none', atRisk: false, signals: [] };

const RANK: Record<CapacityView['status'], number> = { critical: 4, warning: 3, unknown: 2, ok: 1, none: 0 };

/** The view of one CI's reports (see CapacityView). */
export function capacityView(reports: readonly SignalReport[]): CapacityView {
  if (reports.length === 0) return NO_CAPACITY;
  const min = (xs: (number | null)[]) => {
    const present = xs.filter((x): x is number => x !== null);
    return present.length ? Math.min(...present) : undefined;
  };
  const status = reports.map((r) => r.status).reduce<CapacityView['status']>((a, b) => (RANK[b] > RANK[a] ? b : a), 'none');
  const daysToExhaustion = min(reports.map((r) => r.daysToExhaustion));
  const daysToLimit = min(reports.map((r) => r.daysToLimit));
  return {
    status,
    atRisk: status === 'warning' || status === 'critical',
    ...(daysToExhaustion === undefined ? {} : { daysToExhaustion }),
    ...(daysToLimit === undefined ? {} : { daysToLimit }),
    signals: reports.map((r) => ({
      name: r.signal,
      status: r.status,
      reason: r.reason,
      ...(r.now === undefined ? {} : { now: r.now }),
      ...(r.capacity === undefined ? {} : { capacity: r.capacity }),
      ...(r.limit === undefined ? {} : { limit: r.limit }),
      ...(r.forecast ? { forecast: r.forecast.atHorizon.mean, method: r.forecast.method } : {}),
      horizonDays: r.horizonMs / 86_400_000,
      ...(r.daysToExhaustion === null ? {} : { daysToExhaustion: r.daysToExhaustion }),
      ...(r.daysToLimit === null ? {} : { daysToLimit: r.daysToLimit }),
    })),
  };
}

/** The capacity of each CI by identity; CIs without signals get NO_CAPACITY. */
export type CapacityLookup = (ci: string) => CapacityView;

/**
 * Forecasts for a plan or review: every signal of `cis`, from the metrics
 * source of plumb.yaml, as a lookup by CI (forecasts only: anomaly detection,
 * about two thirds of a signal's CPU, is the controller's and `plumb capacity`'s). Without `metrics:` or without
 * signals nothing is read. A source that cannot be opened is a warning
 * (`capacity.source`): a plan does not fail because Prometheus is down, its
 * signals are `unknown` and policies see that.
 */
export async function forecastForPlan(options: {
  readonly cis: readonly CI[];
  readonly metrics: Readonly<Record<string, unknown>> | undefined;
  readonly root: string;
  readonly signal?: AbortSignal;
}): Promise<{ lookup: CapacityLookup; reports: SignalReport[]; diagnostics: Diagnostic[] }> {
  const withSignals = options.cis.filter((ci) => signalsOf(ci).length > 0);
  const settings = metricsSettings(options.metrics);
  const diagnostics: Diagnostic[] = [];
  let reports: SignalReport[] = [];
  if (withSignals.length && settings) {
    try {
      const source = await openMetricsSource(settings, options.root);
      reports = await evaluateCapacity(withSignals, { source, concurrency: settings.concurrency, signal: options.signal, anomalies: false });
    } catch (e) {
      if (!(e instanceof MetricsError)) throw e;
      diagnostics.push({
        severity: 'warning',
        code: 'capacity.source',
        message: `capacity forecasts are unavailable: ${e.message}`,
        hint: 'check metrics: in plumb.yaml; policies see capacity.status == "unknown"',
        file: 'plumb.yaml',
      });
      reports = withSignals.flatMap((ci) =>
        signalsOf(ci).map((s) => ({
          ci: ci.id,
          signal: s.name,
          status: 'unknown' as const,
          reason: e.message,
          horizonMs: s.horizonMs,
          anomalies: [],
          daysToExhaustion: null,
          daysToLimit: null,
          error: e.message,
        })),
      );
    }
  }
  const failed = reports.filter((r) => r.error);
  if (failed.length && diagnostics.length === 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'capacity.source',
      message: `${failed.length} of ${reports.length} capacity signal${reports.length === 1 ? '' : 's'} could not be read: ${failed[0].error}`,
      hint: 'policies see their capacity.status as "unknown"; check metrics: in plumb.yaml and that Prometheus answers',
      file: 'plumb.yaml',
    });
  }
  const byCi = new Map<string, SignalReport[]>();
  for (const r of reports) byCi.set(r.ci, [...(byCi.get(r.ci) ?? []), r]);
  const views = new Map<string, CapacityView>();
  return {
    lookup: (id) => {
      let view = views.get(id);
      if (!view) views.set(id, (view = capacityView(byCi.get(id) ?? [])));
      return view;
    },
    reports,
    diagnostics,
  };
}

/**
 * `capacity.at-risk` warnings: one per signal at risk of a CI the plan changes
 * (creates, updates or deletes), at the CI's file and line — the change may be
 * the one that tips it, or the one that should add capacity.
 */
export function atRiskWarnings(
  changes: readonly { readonly id: string; readonly action: string; readonly file?: string; readonly line?: number }[],
  lookup: CapacityLookup,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const change of changes) {
    if (change.action === 'noop') continue;
    const view = lookup(change.id);
    for (const s of view.signals) {
      if (s.status !== 'warning' && s.status !== 'critical') continue;
      out.push({
        severity: 'warning',
        code: 'capacity.at-risk',
        message: `this change touches ${change.id}, whose ${s.name} is ${s.status}: ${s.reason}`,
        hint: `see \`plumb capacity ${change.id}\` before applying; add capacity first if the change does not`,
        ci: change.id,
        ...(change.file ? { file: change.file, line: change.line ?? 1, column: 1 } : {}),
      });
    }
  }
  return out;
}
