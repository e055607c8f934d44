/**
 * Benchmark: `plumb capacity` on 1,000 signals over 30 days of 5-minute data
 * (8,640 samples each, 8.6 M in all) — issue 17.
 *
 *   node --expose-gc --import tsx test/bench/capacity.ts [SIGNALS]   (default 1000)
 *
 * The repository holds SIGNALS Database CIs, each with one signal (lookback
 * 30d, step 5m, horizon 30d, method auto). The series — a third linear, a
 * third with daily and weekly seasons, a third flat with noise, every tenth
 * with injected anomalies — are answered by an HTTP server on 127.0.0.1 in
 * Prometheus's query_range JSON (values as strings, as Prometheus sends
 * them) from a child process, so the figures are plumb's: HTTP, parsing,
 * gridding, backtesting both methods, forecasting, anomaly detection (the
 * server's CPU is its own). (Backfilling 8.6 M samples into a
 * real Prometheus takes minutes of promtool; the accuracy tests use one.)
 *
 * Printed, in one run: the whole evaluation (wall, CPU, peak RSS, heap after
 * GC), and as baselines the same signals only fetched (HTTP + JSON) and only
 * forecast with `method: linear` — so the cost of each part is a ratio.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runCapacity } from '../../engine/operations/run-capacity.js';
import { DAY, generate, HOUR, MINUTE } from '../prometheus/synthetic-series.js';

const SIGNALS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
const STEP = 5 * MINUTE;
const END = Math.floor(Date.now() / HOUR) * HOUR;
const START = END - 30 * DAY;

function seriesFor(i: number) {
  const kind = i % 3;
  const shape = {
    base: 400 + (i % 17) * 10,
    slope: kind === 0 ? 3 + (i % 5) : kind === 1 ? 2 : 0,
    daily: kind === 1 ? 40 : 0,
    weekly: kind === 1 ? 20 : 0,
    t0: START,
  };
  return generate({ shape, start: START, end: END, step: STEP, noise: 5, seed: 1000 + i, anomalies: i % 10 === 0 ? 5 : 0 });
}

/** The answer to one query, in Prometheus's JSON (values as strings). */
function answer(query: string): string | undefined {
  const m = /^bench_usage\{signal="(\d+)"\}$/.exec(query);
  if (!m) return undefined;
  const s = seriesFor(Number(m[1]));
  const values: [number, string][] = [];
  for (let k = 0; k < s.values.length; k++) values.push([(s.start + k * s.step) / 1000, String(s.values[k])]);
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { signal: m[1] }, values }] } });
}

if (process.argv.includes('--serve')) {
  // the stand-in Prometheus runs in its own process, so its CPU is not counted as plumb's
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const text = answer(new URLSearchParams(body).get('query') ?? '');
      res.writeHead(text ? 200 : 400, { 'content-type': 'application/json' });
      res.end(text ?? JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'unknown query' }));
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(String((server.address() as { port: number }).port)));
  await new Promise(() => {});
}

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(SIGNALS), '--serve'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
const url = `http://127.0.0.1:${port}`;

function repo(method: 'auto' | 'linear'): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-capacity-'));
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(join(dir, 'plumb.yaml'), `metrics: {provider: prometheus, url: "${url}", timeout: 60s, concurrency: 8}\n`);
  const docs: string[] = [];
  for (let i = 0; i < SIGNALS; i++) {
    docs.push(`apiVersion: plumb.io/v1
kind: Database
metadata: {name: db-${i}, namespace: bench}
spec: {engine: postgres, storageGb: 1}
capacity:
  - {name: usage, usage: 'bench_usage{signal="${i}"}', capacity: 1000, lookback: 30d, step: 5m, horizon: 30d, method: ${method}}
`);
  }
  writeFileSync(join(dir, 'inventory', 'dbs.yaml'), docs.join('---\n'));
  return dir;
}

interface Figures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  heapAfterMb: number;
}

async function measure(body: () => Promise<unknown>): Promise<Figures> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  (globalThis as { gc?: () => void }).gc?.();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peak / 2 ** 20, heapAfterMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

const autoRepo = repo('auto');
const linearRepo = repo('linear');
try {
  // warm-up: module loading, JIT
  await runCapacity({ repo: autoRepo, refs: ['database:bench/db-0'], now: new Date(END) });

  const fetchOnly = await measure(async () => {
    const { prometheusSource } = await import('../../engine/capacity/prometheus.js');
    const source = await prometheusSource({ url, timeoutMs: 60_000 }, autoRepo);
    let next = 0;
    const worker = async () => {
      while (next < SIGNALS) {
        const i = next++;
        await source.queryRange(`bench_usage{signal="${i}"}`, START, END, STEP);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  });
  let summary = '';
  const linear = await measure(async () => {
    const r = await runCapacity({ repo: linearRepo, now: new Date(END) });
    summary = `${r.reports.length} signals`;
  });
  let statuses: Record<string, number> = {};
  let methods: Record<string, number> = {};
  let anomalies = 0;
  const full = await measure(async () => {
    const r = await runCapacity({ repo: autoRepo, now: new Date(END) });
    statuses = {};
    methods = {};
    for (const s of r.reports) {
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      if (s.forecast) methods[s.forecast.method] = (methods[s.forecast.method] ?? 0) + 1;
      anomalies += s.anomalies.length;
    }
  });
  const row = (name: string, f: Figures) =>
    `${name.padEnd(34)} wall ${(f.wallMs / 1000).toFixed(2).padStart(6)} s  cpu ${(f.cpuMs / 1000).toFixed(2).padStart(6)} s  peak rss ${f.peakRssMb.toFixed(0).padStart(5)} MiB  heap after ${f.heapAfterMb.toFixed(0).padStart(4)} MiB`;
  console.log(
    `${SIGNALS} signals × ${Math.round((END - START) / STEP) + 1} samples (30 days at 5m); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(row('fetch only (HTTP + JSON)', fetchOnly));
  console.log(row('plumb capacity, method linear', linear));
  console.log(row('plumb capacity, method auto', full));
  console.log(
    `ratios: auto / fetch ${(full.wallMs / fetchOnly.wallMs).toFixed(2)}×, auto / linear ${(full.wallMs / linear.wallMs).toFixed(2)}× (wall); per signal ${(full.wallMs / SIGNALS).toFixed(1)} ms wall, ${(full.cpuMs / SIGNALS).toFixed(1)} ms cpu`,
  );
  console.log(`results: ${summary}; status ${JSON.stringify(statuses)}; methods ${JSON.stringify(methods)}; ${anomalies} anomalies`);
} finally {
  child.kill();
  rmSync(autoRepo, { recursive: true, force: true });
  rmSync(linearRepo, { recursive: true, force: true });
}
