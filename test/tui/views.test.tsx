import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../engine/providers/contract.js';
import { IncidentCorrelator } from '../../engine/correlate/correlator.js';
import { buildGraph } from '../../engine/graph/build-graph.js';
import { loadRepository } from '../../engine/load/load-repository.js';
import { App } from '../../tui/App.js';
import { copyFixture, expectGolden, fakeSession, KEY, press, screen, waitFor } from './harness.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function open(opts: { size?: { columns: number; rows: number }; color?: boolean; watch?: boolean } = {}) {
  const repo = await copyFixture('tui-small');
  const { session, fake } = await fakeSession(repo.dir, 'small');
  const app = render(
    <App session={session} size={opts.size ?? { columns: 80, rows: 24 }} color={opts.color ?? false} animate={false} watch={opts.watch} watchDebounceMs={50} />,
  );
  cleanup.push(
    repo.remove,
    () => session.close(),
    () => app.unmount(),
  );
  await waitFor(app, '4 changes');
  return { app, fake, dir: repo.dir, session };
}

describe('plumb tui views', () => {
  it('lists every key in the help overlay, and closes it again', async () => {
    const { app } = await open();
    await press(app, '?');
    await expectGolden('help', await waitFor(app, 'plumb tui — keys'));
    await press(app, KEY.escape);
    await waitFor(app, '▸ ~ host:shop/db-host');
  });

  it("explores the database's dependents and dependencies, and re-simulates it going down", async () => {
    const { app } = await open();
    await press(app, 'j');
    await waitFor(app, '▸ ~ database:shop/orders-db');
    await press(app, 'i');
    await waitFor(app, 'impact of database:shop/orders-db if the change fails');
    await press(app, 'j');
    await press(app, KEY.enter);
    await expectGolden('impact-change', await waitFor(app, 'businessservice:shop/checkout (dependsOn)'));
    await press(app, 'd');
    await expectGolden('impact-down', await waitFor(app, 'if it goes down'));
    await press(app, KEY.escape);
    await waitFor(app, '▸ ~ database:shop/orders-db');
  });

  it('filters the plan by what is typed after /', async () => {
    const { app } = await open();
    await press(app, '/');
    for (const ch of 'deny') await press(app, ch);
    await press(app, KEY.enter);
    const frame = await waitFor(app, 'filter "deny"');
    expect(frame).toContain('- database:shop/legacy-db');
    expect(frame).not.toContain('host:shop/db-host');
    await press(app, '/');
    await press(app, KEY.escape);
    await waitFor(app, (f) => f.includes('host:shop/db-host') && !f.includes('filter "'));
  });

  it('never shows a secret value, wherever the operator scrolls', async () => {
    const { app } = await open();
    await press(app, 'j');
    await press(app, KEY.tab);
    for (let i = 0; i < 30; i++) await press(app, 'j');
    await waitFor(app, 'password: (sensitive, changed)');
    expect(app.frames.join('\n')).not.toMatch(/s3cr3t/);
  });

  it('lists backups, inspects one, restores it only after a dry run', async () => {
    const { app, fake } = await open();
    await press(app, 'a');
    await waitFor(app, 'apply 1 change?');
    await press(app, 'y');
    await waitFor(app, 'outcome: succeeded');
    await press(app, KEY.enter);
    await waitFor(app, 're-planned: after apply');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(32);

    await press(app, 'b');
    await waitFor(app, 'backups (1, newest first)');
    await press(app, 'y'); // nothing to restore before a dry run
    await press(app, KEY.enter);
    await waitFor(app, 'd: dry-run restore');
    await press(app, 'y');
    await press(app, 'd');
    await expectGolden('backup-dry-run', await waitFor(app, 'y: restore for real'));
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(32);
    await press(app, 'y');
    await waitFor(app, 'restore succeeded');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(16);
    // the list is read again: the restore's own backup of what it overwrote is on top, the cursor stays on the restored one
    const after = await waitFor(app, 'backups (2, newest first)');
    expect(after).toContain('restore succeeded');
    expect(after.split('\n').filter((l) => l.includes('<backup-id>  '))).toEqual(['  <backup-id>  restore  1 CI', '▸ <backup-id>  apply wave 1  1 CI']);
  });

  it('lists the incidents the controller recorded, shows one with its cause, services and likely change, and runs its restore after a dry run', async () => {
    const { app, dir, fake, session } = await open();
    // an apply (it takes a backup before its wave)…
    await press(app, 'a');
    await waitFor(app, 'apply 1 change?');
    await press(app, 'y');
    await waitFor(app, 'outcome: succeeded');
    await press(app, KEY.enter);
    await waitFor(app, 're-planned: after apply');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(32);
    const [backup] = await session.listBackups();
    // …then what a controller on this repository would have recorded (default stateDir .plumb/incidents)
    const { graph } = buildGraph((await loadRepository({ repo: dir })).cis);
    const correlator = await IncidentCorrelator.open({
      statePath: join(dir, '.plumb/incidents/incidents.json'),
      windowMs: 0,
      likelyChange: async () => ({
        run: 'run-1',
        time: '2026-11-25T11:55:00.000Z',
        user: 'ops',
        revision: null,
        planHash: null,
        outcome: 'succeeded',
        changes: [{ id: 'host:shop/db-host', action: 'update', wave: 0, target: 'small' }],
        backup: backup.id,
        restore: `plumb restore ${backup.id} host:shop/db-host`,
      }),
    });
    const time = '2026-11-25T12:00:00.000Z';
    correlator.submit([{ ci: 'database:shop/orders-db', kind: 'down', time, detail: 'connection refused', severity: 'major' }]);
    const [opened] = await correlator.evaluate({ now: new Date(time), graph });
    expect(opened.cause.map((c) => c.id)).toEqual(['database:shop/orders-db']);
    await press(app, '!');
    await waitFor(app, 'incidents: 1 open, 0 resolved recently');
    await press(app, KEY.enter);
    const frame = await waitFor(app, 'to undo: plumb restore <backup-id> host:shop/db-host'); // ids are masked on screen
    expect(frame).toContain('database:shop/orders-db is down (connection refused) — open');
    expect(frame).toContain('likely change: run run-1 by ops');
    await press(app, 'y'); // nothing happens before a dry run
    await press(app, 'd');
    await waitFor(app, 'y: restore for real');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(32);
    await press(app, 'y');
    await waitFor(app, 'restore succeeded');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(16);
    await press(app, KEY.escape);
    await press(app, KEY.escape);
    await waitFor(app, 're-planned: after restore');
  });

  it('applies a create with all it needs first, and leaves the changes not selected alone', async () => {
    const { app, fake } = await open();
    await press(app, 'G');
    await waitFor(app, '▸ - database:shop/legacy-db');
    await press(app, 'k');
    await waitFor(app, '▸ + application:shop/shop-api');
    await press(app, 'a');
    await waitFor(app, 'apply 3 changes?');
    await press(app, 'y');
    await waitFor(app, 'outcome: succeeded');
    expect(fake.state.has('application:shop/shop-api')).toBe(true);
    expect(fake.state.has('database:shop/legacy-db')).toBe(true); // not selected: untouched
  });

  it('keeps the selected change and the scroll position when a re-plan moves its row', async () => {
    const { app, dir } = await open({ size: { columns: 80, rows: 10 } });
    await press(app, 'G');
    await waitFor(app, '▸ - database:shop/legacy-db');
    const file = join(dir, 'inventory/shop.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('memoryGb: 8', 'memoryGb: 12'));
    await press(app, 'r');
    const frame = await waitFor(app, '5 changes');
    expect(frame).toContain('▸ - database:shop/legacy-db');
    await expectGolden('replan-keeps-selection', frame);
  });

  it('--watch re-plans when a YAML file in the work tree changes', async () => {
    const { app, dir } = await open({ watch: true });
    await waitFor(app, 'watching');
    await press(app, 'j');
    await waitFor(app, '▸ ~ database:shop/orders-db');
    const file = join(dir, 'inventory/shop.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('memoryGb: 8', 'memoryGb: 12'));
    const frame = await waitFor(app, (f) => f.includes('5 changes') && f.includes('re-planned: watch: inventory/shop.yaml'));
    expect(frame).toContain('~ host:shop/app-host');
    expect(frame).toContain('▸ ~ database:shop/orders-db');
  });

  it('--watch re-plans when a watching provider reports drift', async () => {
    const repo = await copyFixture('tui-small');
    const { session, fake } = await fakeSession(repo.dir, 'small');
    let report: ((e: WatchEvent) => void) | undefined;
    let stopped = false;
    fake.watch = (_req, onEvent) => {
      report = onEvent;
      return () => {
        stopped = true;
      };
    };
    const app = render(<App session={session} size={{ columns: 80, rows: 24 }} color={false} animate={false} watch watchDebounceMs={50} />);
    cleanup.push(repo.remove, () => session.close());
    await waitFor(app, 'watching');
    await waitFor(() => report !== undefined);
    report!({ type: 'modified', id: 'host:shop/db-host' });
    await waitFor(app, 're-planned: drift: modified host:shop/db-host');
    app.unmount();
    await waitFor(() => stopped);
  });

  it('follows the terminal when it is resized', async () => {
    const repo = await copyFixture('tui-small');
    const { session } = await fakeSession(repo.dir, 'small');
    const app = render(<App session={session} color={false} animate={false} />);
    cleanup.push(
      repo.remove,
      () => session.close(),
      () => app.unmount(),
    );
    const stdout = app.stdout as unknown as { columns: number; rows: number; emit(e: string): void };
    Object.defineProperty(stdout, 'columns', { value: 80, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: 24, configurable: true });
    stdout.emit('resize');
    await waitFor(app, (f) => f.includes('4 changes') && f.split('\n').length === 24);
    Object.defineProperty(stdout, 'columns', { value: 120, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: 30, configurable: true });
    stdout.emit('resize');
    const frame = await waitFor(app, (f) => f.split('\n').length === 30);
    expect(frame.split('\n').at(-1)).toContain('r refresh  ? help  q quit');
  });

  it('fits 80×24 exactly and follows a larger terminal', async () => {
    const small = await open({ size: { columns: 80, rows: 24 } });
    const lines = screen(small.app).split('\n');
    expect(lines).toHaveLength(24);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines.at(-1)).toContain('q quit');
    const big = await open({ size: { columns: 120, rows: 40 } });
    const wide = screen(big.app).split('\n');
    expect(wide).toHaveLength(40);
    expect(wide.at(-1)).toContain('r refresh');
  });
});
