/** One series of a range query: its labels and its samples (time in ms, value). */
export interface RangeResult {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

/**
 * Where capacity signals read their history: Prometheus's HTTP API
 * (engine/capacity/prometheus.ts) or a recording replayed offline
 * (engine/capacity/recorded.ts).
 */
export interface MetricsSource {
  /** For messages: "Prometheus at http://…", "recording observed/metrics.yaml". */
  readonly description: string;
  /** PromQL over [start, end] (ms) at `step` (ms), as /api/v1/query_range answers it. */
  queryRange(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<RangeResult[]>;
  /** A recording's own "now" (the end of the recording), so that forecasts of a replay do not drift with the wall clock. */
  readonly recordedAt?: number;
}
