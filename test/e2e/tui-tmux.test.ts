import { readFile, writeFile } from 'node:fs/promises';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture } from '../tui/harness.js';
import { HAS_TMUX, ROOT, TmuxTerminal } from '../tui/tmux-terminal.js';

let term: TmuxTerminal | undefined;
let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await remove?.();
  remove = undefined;
});

async function start(args: string[] = [], size?: { columns: number; rows: number }) {
  const repo = await copyFixture('tui-small');
  remove = repo.remove;
  term = new TmuxTerminal();
  term.start(['tui', '--repo', repo.dir, ...args], size);
  return { term, dir: repo.dir };
}

describe.skipIf(!HAS_TMUX)('plumb tui in a terminal (tmux)', () => {
  it('reviews the plan, reads a change, walks its impact, and quits', async () => {
    const { term } = await start([], { columns: 80, rows: 24 });
    const first = await term.waitFor('4 changes');
    expect(first).toContain('plumb · worktree · target small · +1 ~2 -1 =2 ?0');
    expect(first).toContain('policy: DENIED (1 deny, 1 warn)');
    expect(first).toContain('▸ ~ host:shop/db-host');
    expect(first).toContain('── wave 4 (1)');
    expect(first).toContain('q quit');

    term.keys('j');
    const detail = await term.waitFor('▸ ~ database:shop/orders-db');
    expect(detail).toContain('warn db-upgrade-review [medium]');

    term.keys('i');
    await term.waitFor('impact of database:shop/orders-db if the change fails');
    term.keys('j', 'Enter');
    await term.waitFor('businessservice:shop/checkout (dependsOn) at-risk → down');
    term.keys('d');
    await term.waitFor('businessservice:shop/checkout (dependsOn) down');
    term.keys('Escape');
    await term.waitFor('▸ ~ database:shop/orders-db');

    term.keys('?');
    await term.waitFor('plumb tui — keys');
    term.keys('?');
    await term.waitFor((s) => !s.includes('plumb tui — keys'));

    term.keys('q');
    await term.waitForExit();
  });

  it('with --watch, an edited YAML file changes the plan on screen', async () => {
    const { term, dir } = await start(['--watch']);
    await term.waitFor((s) => s.includes('4 changes') && s.includes('watching'));
    term.keys('j');
    await term.waitFor('▸ ~ database:shop/orders-db');
    const file = join(dir, 'inventory/shop.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('memoryGb: 8', 'memoryGb: 12'));
    const after = await term.waitFor('5 changes');
    expect(after).toContain('~ host:shop/app-host');
    expect(after).toContain('re-planned: watch: inventory/shop.yaml');
    // the selection stayed on the change the operator was reading
    expect(after).toContain('▸ ~ database:shop/orders-db');
  });
  it('a content cache warning told while the TUI draws is counted among its warnings and written once the terminal is back, never over the screen', async () => {
    const repo = await copyFixture('tui-small');
    remove = repo.remove;
    const dir = mkdtempSync(join(tmpdir(), 'plumb-tui-cache-warning-'));
    const stderr = join(dir, 'stderr');
    try {
      term = new TmuxTerminal();
      // a cache directory that cannot hold files (procfs): cache.unwritable, told by the planning worker
      term.startShell({ columns: 120, rows: 40 }, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: '/proc/self', XDG_STATE_HOME: join(dir, 'state') });
      await term.waitFor((s) => s.split('\n').some((l) => l.startsWith('$')));
      term.keys('-l', `node --import tsx ${resolve(ROOT, 'cli/main.ts')} tui --repo ${repo.dir} 2>${stderr}`);
      term.keys('Enter');
      const first = await term.waitFor('4 changes');
      expect(first).toMatch(/4 changes · \d+ warnings?/);
      // the first plan is done (a later refresh tells nothing new): nothing went to the terminal behind Ink's back
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(stderr) ? readFileSync(stderr, 'utf8') : '').toBe('');
      term.keys('q');
      await term.waitFor((s) => s.split('\n').filter((l) => l.startsWith('$')).length >= 2);
      const told = readFileSync(stderr, 'utf8');
      expect(told.split('cache.unwritable').length - 1).toBe(1);
      expect(told).toContain('/proc/self/content  warning  cache.unwritable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("a secret a policy message shows is (sensitive) on the TUI's screen too (the planning worker learnt it, not the thread that draws)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-tui-secret-'));
    try {
      mkdirSync(join(dir, 'inventory'));
      mkdirSync(join(dir, 'policies'));
      mkdirSync(join(dir, 'observed'));
      writeFileSync(
        join(dir, 'plumb.yaml'),
        'inventory: ["inventory/*.yaml"]\npolicies: ["policies/*.yaml"]\ninventoryId: tuisecret\ntargets:\n  snap: {provider: snapshot, path: observed/snapshot.yaml}\n',
      );
      writeFileSync(join(dir, 'observed', 'snapshot.yaml'), 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n');
      // Database.spec.password is x-plumb-secret; a careless policy message shows it
      writeFileSync(
        join(dir, 'inventory', 'db.yaml'),
        'apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: orders, namespace: shop}\nspec:\n  engine: postgres\n  version: "16"\n  password: "Kq9Zt2xWv7"\n',
      );
      writeFileSync(
        join(dir, 'policies', 'p.yaml'),
        'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: shows-it}\nspec:\n  action: warn\n  severity: low\n  scope: change\n  validations:\n    - expression: "false"\n      messageExpression: "\'pw is \' + object.spec.password"\n',
      );
      spawnSync('git', ['init', '-q'], { cwd: dir });
      term = new TmuxTerminal();
      term.start(['tui', '--repo', dir], { columns: 160, rows: 30 });
      const screen = await term.waitFor('pw is');
      expect(screen).toContain('pw is (sensitive)');
      expect(screen).not.toContain('Kq9Zt2xWv7');
      term.keys('q');
      await term.waitForExit();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a control sequence in a policy message is drawn escaped, never sent to the terminal (it retitled it; OSC 52 writes the clipboard)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-tui-escape-'));
    try {
      mkdirSync(join(dir, 'inventory'));
      mkdirSync(join(dir, 'policies'));
      mkdirSync(join(dir, 'observed'));
      writeFileSync(
        join(dir, 'plumb.yaml'),
        'inventory: ["inventory/*.yaml"]\npolicies: ["policies/*.yaml"]\ninventoryId: tuiescape\ntargets:\n  snap: {provider: snapshot, path: observed/snapshot.yaml}\n',
      );
      writeFileSync(join(dir, 'observed', 'snapshot.yaml'), 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n');
      writeFileSync(
        join(dir, 'inventory', 'app.yaml'),
        'apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: web, namespace: shop}\nspec: {version: "1"}\n',
      );
      // the pull request's author writes the policy: its message sets the terminal's title, then colours the rest red
      writeFileSync(
        join(dir, 'policies', 'p.yaml'),
        'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: esc}\nspec:\n  action: warn\n  severity: low\n  scope: change\n  validations:\n    - expression: "false"\n      messageExpression: "\'AA\\\\x1b]2;PWNED\\\\x07BB\'"\n',
      );
      spawnSync('git', ['init', '-q'], { cwd: dir });
      term = new TmuxTerminal();
      term.start(['tui', '--repo', dir], { columns: 160, rows: 30 });
      const screen = await term.waitFor('AA');
      expect(screen).toContain('AA\\e]2;PWNED\\x07BB');
      const title = execFileSync('tmux', ['-L', term.socket, 'display', '-p', '-t', 'tui', '#{pane_title}'], { encoding: 'utf8' });
      expect(title).not.toContain('PWNED');
      term.keys('q');
      await term.waitForExit();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
