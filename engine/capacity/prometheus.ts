import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { MetricsSource, RangeResult } from './metrics-source.js';

/** plumb.yaml `metrics:` for `provider: prometheus`, resolved (engine/capacity/metrics-config.ts). */
export interface PrometheusSettings {
  /** Base URL of the Prometheus HTTP API (the part before /api/v1), e.g. http://prometheus.monitoring:9090. */
  readonly url: string;
  /** Per request. */
  readonly timeoutMs: number;
  readonly bearerTokenFile?: string;
  readonly bearerTokenEnv?: string;
  readonly basicAuth?: { readonly username: string; readonly passwordFile?: string; readonly passwordEnv?: string };
  /** Extra request headers (e.g. X-Scope-OrgID for Mimir/Cortex/Thanos tenants). Never secrets: use the token settings. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Prometheus refuses more than 11,000 points per series in one query_range. */
const MAX_POINTS_PER_REQUEST = 11_000;

/** A failure talking to Prometheus; the message names the server without credentials and never holds a token. */
export class MetricsError extends Error {
  /**
   * @param code a catalogue code when the fault has its own (a recording with a collection as a mapping key: `yaml.complex-key`), else the caller's
   * @param position where in the recording (`file` as plumb.yaml names it)
   */
  constructor(
    message: string,
    readonly code?: 'yaml.complex-key',
    readonly position?: { readonly file: string; readonly line: number; readonly column: number },
  ) {
    super(message);
    this.name = 'MetricsError';
  }
}

/**
 * Prometheus's HTTP API as a metrics source: `POST /api/v1/query_range`
 * (form-encoded, so long PromQL fits), split into requests of at most 11,000
 * points, each with its own timeout. Credentials are read when the source is
 * made — a bearer token or a basic-auth password from a file (e.g. a mounted
 * Secret) or an environment variable — and sent as an Authorization header.
 * `repoRoot` anchors relative file paths.
 */
export async function prometheusSource(settings: PrometheusSettings, repoRoot: string): Promise<MetricsSource> {
  const base = new URL(settings.url.endsWith('/') ? settings.url : `${settings.url}/`);
  const where = `${base.protocol}//${base.host}${base.pathname.replace(/\/$/, '')}`;
  const headers: Record<string, string> = { Accept: 'application/json', ...(settings.headers ?? {}) };
  const secret = async (file: string | undefined, env: string | undefined, what: string): Promise<string | undefined> => {
    if (file !== undefined) {
      const path = isAbsolute(file) ? file : join(repoRoot, file);
      const text = await readFile(path, 'utf8').catch(() => {
        throw new MetricsError(`cannot read the ${what} file ${file}`);
      });
      return text.trim();
    }
    if (env !== undefined) {
      const value = process.env[env];
      if (value === undefined || value === '') throw new MetricsError(`environment variable ${env} (the ${what}) is not set`);
      return value.trim();
    }
    return undefined;
  };
  const token = await secret(settings.bearerTokenFile, settings.bearerTokenEnv, 'Prometheus bearer token');
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (settings.basicAuth) {
    const password = (await secret(settings.basicAuth.passwordFile, settings.basicAuth.passwordEnv, 'Prometheus password')) ?? '';
    headers.Authorization = `Basic ${Buffer.from(`${settings.basicAuth.username}:${password}`).toString('base64')}`;
  }
  // credentials in the URL itself travel as basic auth, never in messages
  if (base.username || base.password) {
    headers.Authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const endpoint = new URL('api/v1/query_range', base);

  async function request(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<RangeResult[]> {
    const body = new URLSearchParams({ query, start: String(start / 1000), end: String(end / 1000), step: String(step / 1000) });
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      if (timeout.aborted) throw new MetricsError(`Prometheus at ${where} did not answer within ${settings.timeoutMs / 1000} s`);
      if (signal?.aborted) throw new MetricsError('the query was cancelled');
      // undici wraps the socket error; happy eyeballs wraps several in an AggregateError
      const inner = (e as { cause?: { code?: string; errors?: { code?: string }[]; message?: string } }).cause;
      const cause = inner?.code ?? inner?.errors?.find((x) => x.code)?.code ?? inner?.message ?? (e as Error).message;
      throw new MetricsError(`cannot reach Prometheus at ${where} (${cause})`);
    }
    let payload: { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown } };
    const text = await response.text().catch(() => '');
    try {
      payload = JSON.parse(text);
    } catch {
      throw new MetricsError(
        `Prometheus at ${where} answered HTTP ${response.status} without a JSON body${response.status === 401 || response.status === 403 ? ' (check the credentials)' : ''}`,
      );
    }
    if (payload.status !== 'success') {
      throw new MetricsError(
        `Prometheus refused the query (${payload.errorType ?? `HTTP ${response.status}`}): ${String(payload.error ?? 'no reason given').slice(0, 500)}`,
      );
    }
    if (payload.data?.resultType !== 'matrix' || !Array.isArray(payload.data.result)) {
      throw new MetricsError(`Prometheus answered a ${payload.data?.resultType ?? 'malformed'} result where query_range returns a matrix`);
    }
    return (payload.data.result as { metric?: Record<string, string>; values?: [number, string][] }[]).map((r) => ({
      labels: r.metric ?? {},
      samples: (r.values ?? []).map(([t, v]) => [t * 1000, Number(v)] as const),
    }));
  }

  return {
    description: `Prometheus at ${where}`,
    async queryRange(query, start, end, step, signal) {
      // whole requests of at most MAX_POINTS_PER_REQUEST points, merged per label set
      const byLabels = new Map<string, RangeResult>();
      const span = step * (MAX_POINTS_PER_REQUEST - 1);
      for (let from = start; from <= end; from += span + step) {
        const to = Math.min(end, from + span);
        for (const result of await request(query, from, to, step, signal)) {
          const key = JSON.stringify(Object.entries(result.labels).sort());
          const existing = byLabels.get(key);
          if (existing) (existing.samples as (readonly [number, number])[]).push(...result.samples);
          else byLabels.set(key, { labels: result.labels, samples: [...result.samples] });
        }
      }
      return [...byLabels.values()];
    },
  };
}
