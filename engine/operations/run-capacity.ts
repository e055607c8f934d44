import { resolveSources } from '../impact/resolve-sources.js';
import { loadRepository } from '../load/load-repository.js';
import type { LoadedRepository } from '../load/types.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import { validateRepository } from '../validate/validate.js';
import { evaluateCapacity } from '../capacity/evaluate.js';
import { metricsSettings, openMetricsSource } from '../capacity/metrics-config.js';
import type { MetricsSource } from '../capacity/metrics-source.js';
import { MetricsError } from '../capacity/prometheus.js';
import { COMPLEX_KEY_HINT } from '../yaml/yaml-documents.js';
import type { Series, SignalReport } from '../capacity/types.js';

export interface RunCapacityOptions {
  readonly repo?: string;
  readonly cwd?: string;
  readonly rev?: string;
  /** Only these CIs (references); default every CI with a signal. */
  readonly refs?: readonly string[];
  /** The forecasts start here; default the recording's time, else now. */
  readonly now?: Date;
  readonly keepHistory?: boolean;
  /** Called with each fetched series (for `--record`). */
  readonly onSeries?: (query: string, series: Series) => void;
  readonly signal?: AbortSignal;
  /** A source to use instead of plumb.yaml's `metrics:` (tests, embedders). */
  readonly source?: MetricsSource;
}

export interface RunCapacityResult {
  readonly repo: LoadedRepository;
  readonly reports: readonly SignalReport[];
  readonly diagnostics: readonly Diagnostic[];
  /** Where the data came from ("Prometheus at …", "recording …"), absent when nothing was read. */
  readonly source?: string;
  /** The instant the forecasts start from (ms). */
  readonly now?: number;
}

/**
 * `plumb capacity` as one engine call: load and validate the inventory, open
 * plumb.yaml's metrics source, evaluate the signals of the named CIs (or of
 * every CI). Stops with diagnostics when the inventory is invalid.
 *
 * @throws PlumbError `capacity.no-metrics` when plumb.yaml has no `metrics:`,
 *   `capacity.source` when the source cannot be opened (a missing token file,
 *   an unreadable recording), `impact.unknown-ref` / `ref.malformed` for bad references.
 */
export async function runCapacity(options: RunCapacityOptions = {}): Promise<RunCapacityResult> {
  const repo = await loadRepository({ repo: options.repo, cwd: options.cwd, rev: options.rev });
  const { graph, diagnostics } = validateRepository(repo);
  if (hasErrors(diagnostics)) return { repo, reports: [], diagnostics };
  const ids = options.refs?.length ? new Set(resolveSources(graph, options.refs)) : undefined;
  const cis = repo.cis.filter((ci) => !ids || ids.has(ci.id));
  let source = options.source;
  if (!source) {
    const settings = metricsSettings(repo.config.metrics);
    if (!settings) {
      throw new PlumbError('capacity.no-metrics', 'plumb.yaml has no metrics source', {
        hint: 'add e.g. "metrics: {provider: prometheus, url: http://prometheus:9090}" to plumb.yaml (docs/capacity.md)',
      });
    }
    try {
      source = await openMetricsSource(settings, repo.root);
    } catch (e) {
      if (e instanceof MetricsError)
        throw new PlumbError(e.code ?? 'capacity.source', e.message, {
          hint: e.code ? COMPLEX_KEY_HINT : 'check metrics: in plumb.yaml (docs/capacity.md)',
          ...(e.position ? { data: { ...e.position } } : {}),
        });
      throw e;
    }
  }
  const now = options.now?.getTime() ?? source.recordedAt ?? Date.now();
  const reports = await evaluateCapacity(cis, { source, now, keepHistory: options.keepHistory, onSeries: options.onSeries, signal: options.signal });
  return { repo, reports, diagnostics, source: source.description, now };
}
