import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browseFixture, OBSERVED_SECRET } from './harness.js';
import { HAS_TMUX, TmuxTerminal } from './tmux-terminal.js';

let term: TmuxTerminal | undefined;
let remove: (() => Promise<void>) | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await remove?.();
  remove = undefined;
});

/**
 * PLUMB_TUI_SCREENS=DIR keeps every screen these tests read as DIR/NAME-COLSxROWS.txt
 * (what the operator saw, to paste into notes and reviews).
 */
async function keep(name: string, size: { columns: number; rows: number }, text: string): Promise<void> {
  const dir = process.env.PLUMB_TUI_SCREENS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}-${size.columns}x${size.rows}.txt`), `${text.replace(/\s+$/, '')}\n`);
}

/** No line wider than the terminal, and never a secret value. */
function sane(screen: string, size: { columns: number }): string {
  expect(Math.max(...screen.split('\n').map((l) => l.length))).toBeLessThanOrEqual(size.columns);
  expect(screen).not.toContain(OBSERVED_SECRET);
  expect(screen).not.toMatch(/s3cr3t|hunter2/);
  return screen;
}

describe.skipIf(!HAS_TMUX)('plumb tui in a terminal (tmux): browser, YAML, command bar, confirm', () => {
  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 120, rows: 40 },
  ]) {
    it(`at ${size.columns}×${size.rows}`, async () => {
      const repo = await browseFixture();
      remove = repo.remove;
      term = new TmuxTerminal();
      term.start(['tui', '--repo', repo.dir], size);
      const t = term;
      const shot = async (name: string, want: string | ((s: string) => boolean), timeoutMs?: number) => {
        const screen = sane(await t.waitFor(want, timeoutMs), size);
        await keep(name, size, screen);
        return screen;
      };

      // start-up and the first plan, from the sources, on a machine shared with other test files
      const plan = await shot('plan', '4 changes', 90_000);
      expect(plan).toContain('▶ changes(all)[4]');

      // every CI, k9s style
      t.keys(':');
      await t.waitFor(':▏');
      t.keys('-l', 'ci');
      t.keys('Enter');
      const ci = await shot('ci', 'cis(all)[8]');
      expect(ci).toContain('8 CIs (3 unchanged, 1 unmanaged)');
      expect(ci).toMatch(/\? (unmanaged )?\S*someone-elses-settings/);
      expect(ci).toMatch(/= (unchanged )?\S*:shop\/db-credentials/);

      t.keys('/');
      t.keys('-l', 'kind:database');
      t.keys('Enter');
      const filtered = await shot('ci-filter-kind', 'cis(kind:database)[2/8]');
      expect(filtered).not.toContain('host:shop/db-host');
      t.keys('Escape');
      await t.waitFor('cis(all)[8]');

      t.keys('s', 's', 's');
      const sorted = await shot('ci-sort-impact', 'sort impact↓');
      expect(sorted.indexOf('database:shop/legacy-db')).toBeGreaterThan(sorted.indexOf('shop/orders-db'));

      t.keys('g', 'Enter');
      const focused = await shot('ci-detail-focus', '▶ detail · jk scroll · esc back');
      expect(focused).toContain('┃');
      t.keys('Escape');
      await t.waitFor((s) => s.includes('▶ cis(all)[8]'));

      // the Secret's YAML: data redacted on both sides
      t.keys('/');
      t.keys('-l', 'secret');
      t.keys('Enter');
      await t.waitFor('cis(secret)[1/8]');
      t.keys('y');
      const yaml = await shot('yaml-secret', (s) => s.includes('yaml · secret:shop/db-credentials') && s.includes('observed (target small)'));
      expect(yaml.match(/password: \(sensitive\)/g)).toHaveLength(2);
      t.keys('Escape');
      await t.waitFor('cis(secret)[1/8]');

      // a typo in the command bar
      t.keys(':');
      await t.waitFor(':▏');
      t.keys('-l', 'incidnets');
      t.keys('Enter');
      await shot('command-did-you-mean', 'unknown command :incidnets — did you mean :incidents?');

      // the confirm dialog names what the selection pulls in, with its impact, before anything runs
      t.keys(':');
      await t.waitFor(':▏');
      t.keys('-l', 'plan');
      t.keys('Enter');
      await t.waitFor('▶ changes(all)[4]');
      t.keys('j');
      await t.waitFor('▸ ~ database:shop/orders-db');
      t.keys('a');
      const confirm = await shot('confirm-pulled-in', 'pulled in as dependencies (1), applied first:');
      expect(confirm).toContain('apply 2 changes? (1 selected + 1 pulled in as dependencies)');
      expect(confirm).toContain('update host:shop/db-host — risk high (69)');
      t.keys('Escape');
      await t.waitFor('▶ changes(all)[4]');

      t.keys(':');
      await t.waitFor(':▏');
      t.keys('-l', 'backups');
      t.keys('Enter');
      await shot('backups', 'no backups yet');
      t.keys('q');
      await t.waitForExit();
    });
  }

  it('quits to the screen as it was, the prompt on its own line (alternate screen)', async () => {
    const repo = await browseFixture();
    remove = repo.remove;
    term = new TmuxTerminal();
    const size = { columns: 80, rows: 24 };
    term.startShell(size);
    await term.waitFor((s) => s.startsWith('$')); // capture-pane drops trailing blanks: the prompt reads `$`
    // the shell starts in the checkout; the repository's path goes in a variable, so the command line stays short
    await term.command(`R=${repo.dir}`);
    await term.command('echo before-plumb');
    term.keys('-l', 'node --import tsx cli/main.ts tui --repo "$R"');
    term.keys('Enter');
    const tui = await term.waitFor('4 changes', 90_000);
    expect(tui).not.toContain('before-plumb'); // drawn on the alternate screen
    term.keys('q');
    const after = await term.waitFor((s) => /\n\$$/.test(s.replace(/\s+$/, '')) && !s.includes('4 changes'));
    await keep('after-quit', size, after);
    const lines = after.replace(/\s+$/, '').split('\n');
    expect(lines.slice(-4)).toEqual(['$ echo before-plumb', 'before-plumb', '$ node --import tsx cli/main.ts tui --repo "$R"', '$']);
    expect(after).not.toContain('plumb ·');
  });

  it('restores the screen when it is killed (SIGTERM), and exits 143', async () => {
    const repo = await browseFixture();
    remove = repo.remove;
    term = new TmuxTerminal();
    const size = { columns: 80, rows: 24 };
    term.startShell(size);
    await term.waitFor((s) => s.startsWith('$'));
    await term.command(`R=${repo.dir}`);
    term.keys('-l', 'node --import tsx cli/main.ts tui --repo "$R"; echo "exit $?"');
    term.keys('Enter');
    await term.waitFor('4 changes', 90_000);
    // the node process is the shell's only child
    const shell = execFileSync('tmux', ['-L', term.socket, 'display-message', '-p', '-t', 'tui', '#{pane_pid}'], { encoding: 'utf8' }).trim();
    const plumb = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n');
    expect(plumb).toHaveLength(1);
    process.kill(Number(plumb[0]), 'SIGTERM');
    const after = await term.waitFor('exit 143');
    expect(after).not.toContain('plumb ·');
    expect(after.replace(/\s+$/, '').split('\n').slice(-3)).toEqual(['$ node --import tsx cli/main.ts tui --repo "$R"; echo "exit $?"', 'exit 143', '$']);
  });
});
