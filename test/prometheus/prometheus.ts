/**
 * A real Prometheus for tests: binaries from test/prometheus/install.sh (cached
 * under ~/.cache/plumb/prometheus/), series backfilled with
 * `promtool tsdb create-blocks-from openmetrics`, the server started on
 * 127.0.0.1 on a free port and queried over its HTTP API, as plumb's users do.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSTALL = fileURLToPath(new URL('./install.sh', import.meta.url));

let located: { dir: string } | { unavailable: string } | undefined;

/** Where prometheus and promtool are, installing them on first use; or why they are not there. */
export function prometheusBinaries(): { dir: string } | { unavailable: string } {
  if (located) return located;
  try {
    const dir = execFileSync('bash', [INSTALL], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
      .trim()
      .split('\n')
      .pop()!;
    located = { dir };
  } catch (e) {
    located = {
      unavailable: `prometheus could not be installed: ${String((e as { stderr?: string }).stderr ?? e)
        .trim()
        .split('\n')
        .pop()}`,
    };
  }
  return located;
}

/** Prometheus is required (CI sets PLUMB_REQUIRE_CLUSTER=1: a missing tool fails instead of skipping). */
export function prometheusRequired(): boolean {
  return process.env.PLUMB_REQUIRE_CLUSTER === '1' || process.env.PLUMB_REQUIRE_PROMETHEUS === '1';
}

export interface RunningPrometheus {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Backfills `openmetrics` (an OpenMetrics text ending in `# EOF`) into a fresh
 * TSDB and starts Prometheus on it (retention 10 years, so old backfilled
 * blocks stay; no scrape targets). Resolves once /-/ready answers.
 */
export async function startPrometheus(openmetrics: string): Promise<RunningPrometheus> {
  const bins = prometheusBinaries();
  if ('unavailable' in bins) throw new Error(bins.unavailable);
  const work = mkdtempSync(join(tmpdir(), 'plumb-prom-'));
  const dataDir = join(work, 'data');
  writeFileSync(join(work, 'series.om'), openmetrics);
  writeFileSync(join(work, 'prometheus.yml'), 'global: {scrape_interval: 1h}\nscrape_configs: []\n');
  execFileSync(join(bins.dir, 'promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(work, 'series.om'), dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bins.dir, 'prometheus'),
    [
      `--config.file=${join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=10y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus was not ready within 60 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
