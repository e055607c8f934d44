import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { toMilliseconds } from '../model/duration.js';
import type { MetricsSource, RangeResult } from './metrics-source.js';
import { MetricsError } from './prometheus.js';
import { readYamlValue, YamlTextError } from '../yaml/yaml-documents.js';
import type { Series } from './types.js';

/**
 * A recording of metrics: the series of each query as Prometheus answered it,
 * so that `plumb capacity`, plan and review can run offline (the bundled
 * example, tests, air-gapped reviews). Written by `plumb capacity --record`.
 *
 * ```yaml
 * recordedAt: 2026-11-30T00:00:00Z     # the recording's "now"
 * series:
 *   - query: 'pg_database_size_bytes{datname="orders"}'
 *     start: 2026-11-02T00:00:00Z
 *     step: 1h
 *     values: [1.21e11, 1.22e11, null, …]   # null: no sample (a gap)
 * ```
 */
export interface Recording {
  readonly recordedAt: string;
  readonly series: readonly { readonly query: string; readonly start: string; readonly step: string; readonly values: readonly (number | null)[] }[];
}

/** Reads a recording (YAML or JSON); `path` is relative to the repository root. */
export async function recordedSource(path: string, repoRoot: string): Promise<MetricsSource> {
  const file = isAbsolute(path) ? path : join(repoRoot, path);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new MetricsError(`cannot read the metrics recording ${path}`);
  });
  let raw: unknown;
  try {
    raw = readYamlValue(text, { maxAliases: 0 });
  } catch (e) {
    if (!(e instanceof YamlTextError)) throw e;
    if (e.code === 'yaml.complex-key')
      throw new MetricsError(`${path}:${e.line}:${e.column}: ${e.message}`, e.code, { file: path, line: e.line, column: e.column });
    throw new MetricsError(`the metrics recording ${path} is not valid YAML: ${path}:${e.line}:${e.column}: ${e.message}`);
  }
  const recording = raw as Partial<Recording>;
  const recordedAt = Date.parse(String(recording?.recordedAt));
  if (!Array.isArray(recording?.series) || Number.isNaN(recordedAt)) {
    throw new MetricsError(`the metrics recording ${path} needs recordedAt (a date-time) and a list of series`);
  }
  const byQuery = new Map<string, Series>();
  recording.series.forEach((s, i) => {
    const start = Date.parse(String(s?.start));
    const step = typeof s?.step === 'string' ? toMilliseconds(s.step) : undefined;
    if (typeof s?.query !== 'string' || Number.isNaN(start) || !step || !Array.isArray(s.values)) {
      throw new MetricsError(`the metrics recording ${path}: series ${i} needs query, start, step and values`);
    }
    byQuery.set(normalise(s.query), { start, step, values: Float64Array.from(s.values, (v) => (typeof v === 'number' ? v : Number.NaN)) });
  });
  return {
    description: `recording ${path}`,
    recordedAt,
    async queryRange(query, start, end): Promise<RangeResult[]> {
      const series = byQuery.get(normalise(query));
      if (!series) throw new MetricsError(`the metrics recording ${path} has no series for ${query}`);
      const samples: [number, number][] = [];
      for (let i = 0; i < series.values.length; i++) {
        const t = series.start + i * series.step;
        if (t >= start && t <= end && !Number.isNaN(series.values[i])) samples.push([t, series.values[i]]);
      }
      return samples.length ? [{ labels: {}, samples }] : [];
    },
  };
}

/** Queries match when they differ only in whitespace. */
function normalise(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

/** A recording of the given series (for `plumb capacity --record`), as YAML-compatible data. */
export function toRecording(recordedAt: number, series: ReadonlyMap<string, Series>): Recording {
  return {
    recordedAt: new Date(recordedAt).toISOString(),
    series: [...series].map(([query, s]) => ({
      query,
      start: new Date(s.start).toISOString(),
      step: `${Math.round(s.step / 1000)}s`,
      values: Array.from(s.values, (v) => (Number.isNaN(v) ? null : Number(v.toPrecision(10)))),
    })),
  };
}

/** A recording as YAML, each series' values as a flow list, ten to a line. */
export function stringifyRecording(recording: Recording): string {
  const lines = [`recordedAt: ${recording.recordedAt}`, 'series:'];
  for (const s of recording.series) {
    lines.push(`  - query: ${JSON.stringify(s.query)}`, `    start: ${s.start}`, `    step: ${s.step}`, '    values: [');
    for (let i = 0; i < s.values.length; i += 10) {
      const chunk = s.values.slice(i, i + 10).map((v) => (v === null ? 'null' : String(v)));
      lines.push(`      ${chunk.join(', ')}${i + 10 < s.values.length ? ',' : ''}`);
    }
    lines.push('    ]');
  }
  return lines.join('\n') + '\n';
}
