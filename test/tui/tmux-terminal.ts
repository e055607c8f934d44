import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

/**
 * One tmux server on a private socket, running `plumb tui` in a pane of a
 * fixed size — the terminal a person would sit at. Keys go in with
 * send-keys; what they would read comes out of capture-pane.
 */
export class TmuxTerminal {
  readonly socket = `plumb-test-${randomBytes(4).toString('hex')}`;

  start(args: readonly string[], size = { columns: 120, rows: 40 }, env: Record<string, string> = {}): void {
    const dist = resolve(ROOT, 'dist/cli/main.js');
    const command = [
      'env',
      ...Object.entries({ NO_COLOR: '1', ...env }).map(([k, v]) => `${k}=${v}`),
      // the built CLI when present, else the sources through tsx
      ...(process.env.PLUMB_E2E_DIST === '1' ? ['node', dist] : ['node', '--import', 'tsx', resolve(ROOT, 'cli/main.ts')]),
      ...args,
    ]
      .map(quote)
      .join(' ');
    this.tmux('new-session', '-d', '-s', 'tui', '-c', ROOT, '-x', String(size.columns), '-y', String(size.rows), command);
  }

  /**
   * A POSIX shell (prompt `$ `) in a pane of a fixed size instead of plumb
   * itself: for what a terminal shows before and after plumb runs in it.
   */
  startShell(size = { columns: 120, rows: 40 }, env: Record<string, string> = {}): void {
    const command = ['env', ...Object.entries({ NO_COLOR: '1', PS1: '$ ', ENV: '', ...env }).map(([k, v]) => `${k}=${v}`), 'sh', '-i'].map(quote).join(' ');
    this.tmux('new-session', '-d', '-s', 'tui', '-c', ROOT, '-x', String(size.columns), '-y', String(size.rows), command);
  }

  /**
   * Types one command line into the shell (startShell) and waits for its next
   * prompt: a line typed while the previous command still runs is echoed before
   * the prompt it belongs to, and the screen no longer reads as a user's would.
   */
  async command(line: string, timeoutMs = 30_000): Promise<string> {
    const prompts = (screen: string) => screen.split('\n').filter((l) => l.startsWith('$')).length;
    const before = prompts(this.screen());
    this.keys('-l', line);
    this.keys('Enter');
    return this.waitFor((s) => prompts(s) > before, timeoutMs);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'tui', ...keys);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'tui');
  }

  alive(): boolean {
    return spawnSync('tmux', ['-L', this.socket, 'has-session', '-t', 'tui']).status === 0;
  }

  /** Polls the screen until `want` is on it; fails after `timeoutMs` with what was there. */
  async waitFor(want: string | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const ok = typeof want === 'string' ? (s: string) => s.includes(want) : want;
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      if (!this.alive()) throw new Error(`plumb tui exited; last screen:\n${last}`);
      last = this.screen();
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${typeof want === 'string' ? JSON.stringify(want) : 'the screen'}; last screen:\n${last}`);
  }

  /** Polls until the pane's process has exited. */
  async waitForExit(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.alive()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`plumb tui did not exit; screen:\n${this.screen()}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
