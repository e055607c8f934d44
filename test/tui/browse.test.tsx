import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../tui/App.js';
import { browseFixture, fakeSession, KEY, OBSERVED_SECRET, press, screen, waitFor } from './harness.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function open(size = { columns: 80, rows: 24 }) {
  const repo = await browseFixture();
  const { session, fake } = await fakeSession(repo.dir, 'small');
  const app = render(<App session={session} size={size} color={false} animate={false} />);
  cleanup.push(
    repo.remove,
    () => session.close(),
    () => app.unmount(),
  );
  await waitFor(app, '4 changes');
  return { app, fake, dir: repo.dir, session };
}

type Rendered = Awaited<ReturnType<typeof open>>['app'];

async function type(app: Rendered, text: string) {
  for (const ch of text) await press(app, ch);
}

async function command(app: Rendered, text: string) {
  await press(app, ':');
  await type(app, text);
  await press(app, KEY.enter);
}

/** The identities in the browser's list, top to bottom (the rows that start with a state symbol). */
function listed(frame: string): string[] {
  return frame
    .split('\n')
    .map((l) =>
      /^[▸ ][● ]([+~±\-=?]) (?:(?:create|update|replace|delete|unchanged|unmanaged) +)?(\S+)/.exec(
        l.slice(0, l.indexOf('│') >= 0 ? l.indexOf('│') : l.indexOf('┃')),
      ),
    )
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${m[2].trim()}`);
}

describe('plumb tui: the CI browser (:ci)', () => {
  it('lists every CI — changed, unchanged and unmanaged — with their states', async () => {
    const { app } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci');
    const frame = await waitFor(app, 'cis(all)[8]');
    expect(frame).toContain('4 changes · 8 CIs (3 unchanged, 1 unmanaged)');
    expect(listed(frame)).toEqual([
      '+ application:shop/shop-api',
      '= businessservice:shop/checkout',
      '? configmap:shop/someone-elses-settings',
      '- database:shop/legacy-db',
      '~ database:shop/orders-db',
      '= host:shop/app-host',
      '~ host:shop/db-host',
      '= secret:shop/db-credentials',
    ]);
    expect(frame).toContain('? unmanaged');
    expect(frame).toContain('= unchanged');
  });

  it('filters k9s style: kind, namespace, state, labels, negation and free text', async () => {
    const { app } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci');
    await waitFor(app, 'cis(all)[8]');
    const filter = async (text: string) => {
      await press(app, '/');
      await waitFor(app, '▏');
      await press(app, KEY.escape); // clears the filter
      // (an Esc read together with the next key would be Alt+key: wait until it has been handled)
      await waitFor(app, 'cis(all)[8]');
      await press(app, '/');
      await type(app, text);
      await press(app, KEY.enter);
      return listed(await waitFor(app, `cis(${text})`));
    };
    expect(await filter('kind:database')).toEqual(['- database:shop/legacy-db', '~ database:shop/orders-db']);
    expect(await filter('state:unchanged,unmanaged')).toEqual([
      '= businessservice:shop/checkout',
      '? configmap:shop/someone-elses-settings',
      '= host:shop/app-host',
      '= secret:shop/db-credentials',
    ]);
    expect(await filter('ns:shop !state:unchanged host')).toEqual(['~ host:shop/db-host']);
    expect(await filter('state:changed kind:host')).toEqual(['~ host:shop/db-host']);
    expect(await filter('label:env=prod')).toEqual(['+ application:shop/shop-api', '= businessservice:shop/checkout', '~ database:shop/orders-db']);
    // k9s's label selector; legacy-db's labels are the target's (it is not in Git)
    expect(await filter('-l tier=1')).toEqual(['- database:shop/legacy-db']);
    expect(await filter('ns:elsewhere')).toEqual([]);
    expect(screen(app)).toContain('no CI matches "ns:elsewhere" (esc clears the filter)');
    await press(app, KEY.escape);
    await waitFor(app, 'cis(all)[8]');
  });

  it('sorts by id, kind, state and impact (s), and reverses (S)', async () => {
    const { app } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci kind:database,host');
    await waitFor(app, 'sort id↑');
    await press(app, 's');
    expect(listed(await waitFor(app, 'sort kind↑'))).toEqual([
      '- database:shop/legacy-db',
      '~ database:shop/orders-db',
      '= host:shop/app-host',
      '~ host:shop/db-host',
    ]);
    await press(app, 's');
    expect(listed(await waitFor(app, 'sort state↑'))).toEqual([
      '- database:shop/legacy-db',
      '~ database:shop/orders-db',
      '~ host:shop/db-host',
      '= host:shop/app-host',
    ]);
    await press(app, 's');
    // highest risk first: both updates are high (69, 70 or so), the delete low, the unchanged host none
    const byImpact = listed(await waitFor(app, 'sort impact↓'));
    expect(byImpact.slice(2)).toEqual(['- database:shop/legacy-db', '= host:shop/app-host']);
    await press(app, 'S');
    expect(listed(await waitFor(app, 'sort impact↑'))).toEqual([...byImpact].reverse());
    await press(app, 's');
    await waitFor(app, 'sort id↑');
  });

  it('moves the focus visibly to the detail pane on enter, and back on esc', async () => {
    const { app } = await open();
    await command(app, 'ci');
    await waitFor(app, '▶ cis(all)[8]');
    await press(app, 'j');
    await press(app, KEY.enter);
    const focused = await waitFor(app, '▶ detail · jk scroll · esc back');
    expect(focused).toContain('  cis(all)[8]'); // the list's title is no longer marked
    expect(focused).toContain('┃businessservice:shop/checkout');
    expect(focused.split('\n').at(-1)).toContain('detail: jk scroll  esc/tab back to the list');
    await press(app, KEY.escape);
    const back = await waitFor(app, '▶ cis(all)[8]');
    expect(back).toContain('  detail · enter/tab focus');
    expect(back).not.toContain('┃');
  });

  it('keeps the names visible at 60 columns: identities are cut from the left', async () => {
    const { app } = await open({ columns: 60, rows: 24 });
    const plan = screen(app);
    expect(plan).toContain('~ …se:shop/orders-db ');
    await command(app, 'ci');
    const frame = await waitFor(app, 'cis(all)[8]');
    // 17 columns for the identity: the end of each, with its whole name (all but the longest), is what shows
    for (const tail of [
      '…on:shop/shop-api',
      '…ce:shop/checkout',
      '…e-elses-settings',
      '…e:shop/legacy-db',
      '…e:shop/orders-db',
      '…st:shop/app-host',
      'host:shop/db-host',
      '…p/db-credentials',
    ])
      expect(frame).toContain(`${tail} `);
    expect(Math.max(...frame.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
  });
});

describe('plumb tui: the YAML view (y)', () => {
  it('shows the desired and the observed document, a Secret data redacted on both sides', async () => {
    const { app } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci secret');
    await waitFor(app, '▸ = unchanged secret:shop/db-credentials');
    await press(app, 'y');
    const frame = await waitFor(app, 'yaml · secret:shop/db-credentials · unchanged');
    expect(frame).toContain('▶ desired (Git inventory/shop.yaml:');
    expect(frame).toContain('observed (target small)');
    expect(frame.match(/password: \(sensitive\)/g)).toHaveLength(2);
    await press(app, KEY.escape);
    await waitFor(app, 'cis(secret)');
    expect(app.frames.join('\n')).not.toContain(OBSERVED_SECRET);
    expect(app.frames.join('\n')).not.toContain('hunter2');
  });

  it('shows a changed CI from the plan view, its schema-secret field redacted, scrolling each side', async () => {
    const { app } = await open();
    await press(app, 'j');
    await waitFor(app, '▸ ~ database:shop/orders-db');
    await press(app, 'y');
    await waitFor(app, 'yaml · database:shop/orders-db · update');
    await press(app, 'G');
    const desired = await waitFor(app, 'password: (sensitive)');
    expect(desired).toContain('▶ desired (Git inventory/shop.yaml:');
    await press(app, KEY.tab);
    await press(app, 'G');
    await waitFor(app, '▶ observed (target small)');
    await press(app, 'y');
    await waitFor(app, '▸ ~ database:shop/orders-db');
    expect(app.frames.join('\n')).not.toMatch(/s3cr3t/);
  });

  it('says what is missing for a create and for an unmanaged object', async () => {
    const { app } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci');
    await waitFor(app, '▸ + create');
    await press(app, 'y');
    await waitFor(app, 'not on the target (yet): apply creates it');
    await press(app, KEY.escape);
    await waitFor(app, (f) => f.includes('cis(all)[8]') && !f.includes('yaml ·'));
    await press(app, 'j');
    await press(app, 'j');
    await waitFor(app, '▸ ? unmanaged configmap:shop/someone-elses-settings');
    await press(app, 'y');
    const frame = await waitFor(app, 'not in Git: unmanaged, or deleted from Git');
    expect(frame).toContain('color: blue');
  });
});

describe('plumb tui: the command bar (:)', () => {
  it('switches views with :ci, :plan, :backups and :incidents, and completes with tab', async () => {
    const { app } = await open();
    await command(app, 'backups');
    await waitFor(app, 'no backups yet');
    await command(app, 'incidents');
    await waitFor(app, 'incidents: 0 open, 0 resolved recently');
    await press(app, ':');
    await type(app, 'c');
    await waitFor(app, ':c▏  (tab: ci)');
    await press(app, KEY.tab);
    await press(app, KEY.enter);
    await waitFor(app, 'cis(all)[8]');
    await command(app, 'plan');
    await waitFor(app, '▶ changes(all)[4]');
  });

  it('refuses an unknown command with the nearest one, and changes nothing', async () => {
    const { app } = await open();
    await command(app, 'incidnets');
    const frame = await waitFor(app, 'unknown command :incidnets — did you mean :incidents?');
    expect(frame).toContain('▶ changes(all)[4]');
    await command(app, 'xyzzy');
    await waitFor(app, 'unknown command :xyzzy (commands: :plan :ci :backups :incidents :help :quit)');
    await press(app, ':');
    await type(app, 'ci');
    await press(app, KEY.escape);
    await waitFor(app, (f) => f.includes('▶ changes(all)[4]') && !f.includes(':ci▏'));
  });

  it('replays keys read together as one chunk (a paste, tmux, a slow machine), Esc and Backspace included', async () => {
    const { app } = await open();
    await command(app, 'ci');
    await waitFor(app, 'cis(all)[8]');
    app.stdin.write('/hostx\u007F\r');
    await waitFor(app, 'cis(host)[2/8]');
    app.stdin.write('/zz\u001B');
    await waitFor(app, (f) => f.includes('cis(all)[8]') && !f.includes('▏'));
  });

  it(':quit ends the session', async () => {
    const { app } = await open();
    // Ink stops reading the keyboard when the app exits
    const listening = () => (app.stdin as unknown as NodeJS.EventEmitter).listenerCount('readable');
    expect(listening()).toBe(1);
    await command(app, 'q');
    await waitFor(() => listening() === 0);
  });
});

describe('plumb tui: apply from the browser', () => {
  it('selects a change in :ci and confirms it with the dependencies it pulls in, each with its impact', async () => {
    const { app, fake } = await open({ columns: 120, rows: 40 });
    await command(app, 'ci kind:database');
    await waitFor(app, 'cis(kind:database)[2/8]');
    await press(app, 'j');
    await waitFor(app, '▸ ~ update');
    await press(app, KEY.space);
    await press(app, 'a');
    const frame = await waitFor(app, 'apply 2 changes? (1 selected + 1 pulled in as dependencies)');
    expect(frame).toContain('  update host:shop/db-host — risk high (69) · 3 affected · businessservice:shop/checkout at-risk — needed by');
    expect(fake.calls.filter((c) => c.operation === 'apply')).toEqual([]);
    await press(app, KEY.escape);
    await waitFor(app, 'cis(kind:database)[2/8]');
  });
});
