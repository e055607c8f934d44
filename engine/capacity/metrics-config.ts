import { toMilliseconds } from '../model/duration.js';
import type { MetricsSource } from './metrics-source.js';
import { prometheusSource, type PrometheusSettings } from './prometheus.js';
import { recordedSource } from './recorded.js';

/**
 * plumb.yaml `metrics:` (schemas/config.schema.json checks its shape):
 *
 * ```yaml
 * metrics:
 *   provider: prometheus                 # or: recorded (replay a file offline)
 *   url: http://prometheus.monitoring:9090
 *   timeout: 30s                         # per request; default 30s
 *   bearerTokenFile: /var/run/secrets/prometheus/token   # or bearerTokenEnv,
 *   # or basicAuth: {username: plumb, passwordFile: …}   # or passwordEnv
 *   headers: {X-Scope-OrgID: shop}
 *   path: observed/metrics.yaml          # provider: recorded
 *   interval: 15m                        # the controller's forecast interval; default 15m
 *   incidents: true                      # the controller opens "predicted exhaustion" incidents; default true
 *   concurrency: 8                       # signals queried at once; default 8
 * ```
 */
export interface MetricsSettings {
  readonly provider: 'prometheus' | 'recorded';
  readonly prometheus?: PrometheusSettings;
  readonly path?: string;
  readonly intervalMs: number;
  readonly incidents: boolean;
  readonly concurrency: number;
}

export const DEFAULT_METRICS_INTERVAL_MS = 15 * 60_000;

/** The resolved settings, or undefined when plumb.yaml has no `metrics:` (capacity is then off). */
export function metricsSettings(raw: Readonly<Record<string, unknown>> | undefined): MetricsSettings | undefined {
  if (!raw || typeof raw.provider !== 'string') return undefined;
  const duration = (v: unknown, fallback: number) => toMilliseconds(v) || fallback;
  const provider = raw.provider === 'recorded' ? 'recorded' : 'prometheus';
  return {
    provider,
    ...(provider === 'prometheus' && typeof raw.url === 'string'
      ? {
          prometheus: {
            url: raw.url,
            timeoutMs: duration(raw.timeout, 30_000),
            ...(typeof raw.bearerTokenFile === 'string' ? { bearerTokenFile: raw.bearerTokenFile } : {}),
            ...(typeof raw.bearerTokenEnv === 'string' ? { bearerTokenEnv: raw.bearerTokenEnv } : {}),
            ...(raw.basicAuth ? { basicAuth: raw.basicAuth as PrometheusSettings['basicAuth'] } : {}),
            ...(raw.headers ? { headers: raw.headers as Record<string, string> } : {}),
          },
        }
      : {}),
    ...(typeof raw.path === 'string' ? { path: raw.path } : {}),
    intervalMs: duration(raw.interval, DEFAULT_METRICS_INTERVAL_MS),
    incidents: raw.incidents !== false,
    concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : 8,
  };
}

/** Opens the configured source (reads credentials or the recording); throws MetricsError. */
export async function openMetricsSource(settings: MetricsSettings, repoRoot: string): Promise<MetricsSource> {
  if (settings.provider === 'recorded') return recordedSource(settings.path!, repoRoot);
  return prometheusSource(settings.prometheus!, repoRoot);
}
