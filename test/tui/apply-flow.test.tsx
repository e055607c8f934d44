import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../tui/App.js';
import { copyFixture, expectGolden, fakeSession, KEY, press, screen, waitFor } from './harness.js';

const size = { columns: 80, rows: 24 };
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function open(faults = {}) {
  const repo = await copyFixture('tui-small');
  const { session, fake } = await fakeSession(repo.dir, 'small', faults);
  const app = render(<App session={session} size={size} color={false} animate={false} />);
  cleanup.push(
    repo.remove,
    () => session.close(),
    () => app.unmount(),
  );
  await waitFor(app, '4 changes');
  return { app, fake, dir: repo.dir };
}

describe('plumb tui: review → select → apply → failure → rollback on the fake provider', () => {
  it('shows each step as the operator sees it', async () => {
    const { app, fake } = await open({ failApplyIds: ['database:shop/orders-db'] });
    await expectGolden('flow-1-review', screen(app));

    await press(app, 'j');
    await expectGolden('flow-2-cursor-on-database', await waitFor(app, '▸ ~ database:shop/orders-db'));

    await press(app, KEY.space);
    await expectGolden('flow-3-selected', await waitFor(app, '1 selected'));

    await press(app, 'a');
    await expectGolden('flow-4-confirm', await waitFor(app, 'apply 2 changes?'));

    await press(app, 'y');
    await expectGolden('flow-5-failed', await waitFor(app, 'roll back wave 2'));

    await press(app, 'y');
    await expectGolden('flow-6-rolled-back', await waitFor(app, 'rollback succeeded'));
    // the database is as it was before the apply; the host's wave stays applied
    expect((fake.state.get('database:shop/orders-db')!.object.spec as Record<string, unknown>).version).toBe('16.3');
    expect((fake.state.get('host:shop/db-host')!.object.spec as Record<string, unknown>).memoryGb).toBe(32);

    await press(app, KEY.enter);
    await expectGolden('flow-7-replanned', await waitFor(app, (f) => f.includes('4 changes') && f.includes('re-planned: after apply')));
  });

  it('blocks a selection a policy denies, with the reason', async () => {
    const { app, fake } = await open();
    await press(app, 'G');
    for (let i = 0; i < 3; i++) await press(app, 'j');
    await waitFor(app, '▸ - database:shop/legacy-db');
    await press(app, 'a');
    await expectGolden('denied', await waitFor(app, 'apply blocked by policy'));
    await press(app, 'y');
    expect(fake.calls.filter((c) => c.operation === 'apply')).toEqual([]);
    await press(app, KEY.escape);
    await waitFor(app, '4 changes');
  });

  it('applies a change together with the change it runs on, and says it pulled it in', async () => {
    const { app, fake } = await open();
    await press(app, 'j');
    await waitFor(app, '▸ ~ database:shop/orders-db');
    await press(app, 'a');
    const frame = await waitFor(app, 'pulled in as dependencies (1), applied first:');
    expect(frame).toContain('apply 2 changes? (1 selected + 1 pulled in as dependencies)');
    // the dependency with its own impact, and which selected change needs it, before anything runs
    expect(frame).toContain('  update host:shop/db-host — risk high (69) · 3 affected ·');
    expect(frame).toContain('businessservice:shop/checkout at-risk — needed by database:shop/orders-db');
    expect(frame).toContain('backs up first: host:shop/db-host, database:shop/orders-db');
    expect(fake.calls.filter((c) => c.operation === 'apply')).toEqual([]);
    await press(app, KEY.enter);
    await waitFor(app, 'outcome: succeeded');
    expect(fake.calls.filter((c) => c.operation === 'apply').map((c) => (c.request as { change: { id: string } }).change.id)).toEqual([
      'host:shop/db-host',
      'database:shop/orders-db',
    ]);
  });
});
