import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const DB = (capacity: string) => `apiVersion: plumb.io/v1
kind: Database
metadata: {name: orders-db, namespace: shop}
spec: {engine: postgres, storageGb: 500}
capacity:
${capacity}`;

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function repo(plumbYaml: string, inventory: string): string {
  dir = mkdtempSync(join(tmpdir(), 'plumb-capacity-'));
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(join(dir, 'plumb.yaml'), plumbYaml);
  writeFileSync(join(dir, 'inventory', 'db.yaml'), inventory);
  return dir;
}

describe('plumb capacity on the bundled example (a recording, offline)', () => {
  it('shows a table with now, capacity, forecast, days to exhaustion, status and a sparkline; the anomaly below', async () => {
    const r = await runCli(['capacity', '--repo', PROJECT_ROOT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from recording observed/metrics.yaml at 2026-11-30T00:00:00.000Z');
    expect(r.stdout).toMatch(/CI\s+SIGNAL\s+NOW\s+CAPACITY\s+FORECAST\s+EXHAUSTED IN\s+STATUS\s+HISTORY/);
    expect(r.stdout).toMatch(/database:shop\/orders-db\s+storage\s+318 GiB\s+466 GiB\s+\S+ GiB in 30d .*warning\s+[▁▂▃▄▅▆▇█]{24}/);
    expect(r.stdout).toMatch(/host:shop\/db-host-1\s+memory\s+.*\s+> 1 y\s+ok/);
    expect(r.stdout).toContain('warning  database:shop/orders-db storage: forecast to pass 80 % of capacity in');
    expect(r.stdout).toContain('anomaly  host:shop/db-host-1 memory: 1 in the history, latest 2026-11-27T14:00:00.000Z (spike');
    expect(r.stdout).toContain('2 signals: 0 critical, 1 warning, 1 ok, 0 unknown');
  });

  it('-o json gives every figure, and REF narrows it to one CI', async () => {
    const r = await runCli(['capacity', 'database:shop/orders-db', '--repo', PROJECT_ROOT, '-o', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.signals).toHaveLength(1);
    const s = out.signals[0];
    expect(s).toMatchObject({ ci: 'database:shop/orders-db', signal: 'storage', status: 'warning', capacity: 500e9, limit: 400e9 });
    // 280 GB + 2.2 GB a day from 2026-11-02: 400 GB on day 54.5, 26.5 days after the recording
    expect(s.daysToLimit).toBeGreaterThan(26.5 * 0.9);
    expect(s.daysToLimit).toBeLessThan(26.5 * 1.1);
    expect(s.forecast.atHorizon.lower).toBeLessThan(s.forecast.atHorizon.mean);
    expect(s.forecast.backtest.length).toBeGreaterThan(1);
  });

  it('--chart writes one SVG per signal; --record writes a recording that replays to the same figures', async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-capacity-out-'));
    const r = await runCli(['capacity', '--repo', PROJECT_ROOT, '--chart', join(dir, 'charts'), '--record', join(dir, 'rec.yaml'), '-o', 'json']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['database_shop_orders-db_storage.svg', 'host_shop_db-host-1_memory.svg']);
    const svg = readFileSync(join(dir, 'charts', 'database_shop_orders-db_storage.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('database:shop/orders-db · storage · warning');
    expect(svg).toContain('<polygon'); // the 95 % band
    const png = await runCli(['capacity', 'host:shop/db-host-1', '--repo', PROJECT_ROOT, '--chart', join(dir, 'png'), '--chart-format', 'png']);
    expect(png.code).toBe(0);
    const bytes = readFileSync(join(dir, 'png', 'host_shop_db-host-1_memory.png'));
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.readUInt32BE(16)).toBe(720); // IHDR width
    // replay the recording from a copy of the example's inventory
    const copy = join(dir, 'copy');
    cpSync(join(PROJECT_ROOT, 'inventory'), join(copy, 'inventory'), { recursive: true });
    mkdirSync(join(copy, 'observed'), { recursive: true });
    cpSync(join(dir, 'rec.yaml'), join(copy, 'observed', 'rec.yaml'));
    writeFileSync(join(copy, 'plumb.yaml'), 'metrics: {provider: recorded, path: observed/rec.yaml}\n');
    const replay = await runCli(['capacity', '--repo', copy, '-o', 'json']);
    expect(replay.code).toBe(0);
    const figures = (text: string) =>
      JSON.parse(text).signals.map((s: { status: string; daysToLimit: number | null; now: number }) => [s.status, s.daysToLimit?.toFixed(3) ?? null, s.now]);
    const a = figures(r.stdout);
    const b = figures(replay.stdout);
    expect(a).toHaveLength(2);
    expect(b).toEqual(a);
  });
});

describe('plumb capacity refuses bad input with a diagnostic and exit 1', () => {
  it('without metrics: in plumb.yaml', async () => {
    const r = await runCli(['capacity', '--repo', repo('inventory: ["inventory/*.yaml"]\n', DB("  - {name: storage, usage: 'x', capacity: 10}\n"))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plumb.yaml has no metrics source');
    expect(r.stderr).toContain('hint: add e.g. "metrics: {provider: prometheus');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a capacity block that breaks its schema, at its line and column', async () => {
    const r = await runCli([
      'validate',
      '--repo',
      repo('metrics: {provider: prometheus, url: "http://127.0.0.1:1"}\n', DB("  - {name: storage, usage: 'x', capacity: -5, horizon: 2 weeks}\n")),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/inventory\/db\.yaml:6:\d+/);
    expect(r.stdout + r.stderr).toContain('schema.violation');
  });

  it('a capacity field the CI does not have', async () => {
    const r = await runCli([
      'validate',
      '--repo',
      repo('metrics: {provider: prometheus, url: "http://127.0.0.1:1"}\n', DB("  - {name: storage, usage: 'x', capacity: {field: spec.diskGb}}\n")),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/inventory\/db\.yaml:6:\d+.*capacity\.field-missing/s);
    expect(r.stdout + r.stderr).toContain('capacity signal storage: database:shop/orders-db has no field spec.diskGb');
  });

  it('an inline token in plumb.yaml is not a setting (credentials come from a file or the environment)', async () => {
    const r = await runCli([
      'validate',
      '--repo',
      repo('metrics: {provider: prometheus, url: "http://127.0.0.1:1", bearerToken: s3cr3t-token}\n', DB("  - {name: storage, usage: 'x', capacity: 10}\n")),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('plumb.yaml:1:');
    expect(r.stdout + r.stderr).toContain('config.inline-secret');
    expect(r.stdout + r.stderr).toContain('metrics.bearerToken holds a credential in plumb.yaml');
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-token');
  });

  it('an unreachable Prometheus: every signal unknown, exit 1, the URL without its credentials', async () => {
    const port = await closedPort();
    const r = await runCli([
      'capacity',
      '--repo',
      repo(
        `metrics: {provider: prometheus, url: "http://plumb:pa55word@127.0.0.1:${port}", timeout: 5s}\n`,
        DB("  - {name: storage, usage: 'x', capacity: 10}\n"),
      ),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/database:shop\/orders-db\s+storage\s+-\s+-\s+-\s+-\s+unknown/);
    expect(r.stderr).toContain(`cannot reach Prometheus at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.stdout + r.stderr).not.toContain('pa55word');
  });

  it('a recording outside the repository', async () => {
    const r = await runCli([
      'validate',
      '--repo',
      repo('metrics: {provider: recorded, path: ../../etc/passwd}\n', DB("  - {name: storage, usage: 'x', capacity: 10}\n")),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/plumb\.yaml:1:\d+.*config\.path-outside-repository/s);
    expect(r.stdout + r.stderr).toContain('metrics.path names a path outside the repository');
  });

  it('a missing token file', async () => {
    const r = await runCli([
      'capacity',
      '--repo',
      repo(
        'metrics: {provider: prometheus, url: "http://127.0.0.1:1", bearerTokenFile: /nonexistent/token}\n',
        DB("  - {name: storage, usage: 'x', capacity: 10}\n"),
      ),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read the Prometheus bearer token file /nonexistent/token');
  });

  it('sends the token from the environment, never prints it, and reports what Prometheus refused', async () => {
    let seen: string | undefined;
    server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected <EOF>' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const r = await runCli(
      [
        'capacity',
        '--repo',
        repo(
          `metrics: {provider: prometheus, url: "http://127.0.0.1:${port}", bearerTokenEnv: PROM_TOKEN}\n`,
          DB("  - {name: storage, usage: 'rate(', capacity: 10}\n"),
        ),
      ],
      { env: { PROM_TOKEN: 'tok-123-secret' } },
    );
    expect(seen).toBe('Bearer tok-123-secret');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Prometheus refused the query (bad_data): 1:5: parse error: unexpected <EOF>');
    expect(r.stdout + r.stderr).not.toContain('tok-123-secret');
  });
});
