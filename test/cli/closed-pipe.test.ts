import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInventory } from '../bench/generate.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Runs `node ARGS…` with stdout on a real pipe whose reading end is closed
 * after the first chunk (what `| head -c N` does), and resolves with how the
 * process ended and what it wrote to stderr.
 */
function closedEarly(
  args: readonly string[],
  cwd = PROJECT_ROOT,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; read: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', PLUMB_DEBUG: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let read = 0;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', (chunk: Buffer) => {
      read = chunk.length;
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, read }));
  });
}

describe('a reader that goes away (plumb … | head -1)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'plumb-closed-pipe-'));
    // 3,000 CIs: every output below is far larger than a pipe buffer (64 KiB)
    generateInventory(root, { cis: 3000 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['graph', ['graph']],
    ['plan -o json', ['plan', '-o', 'json']],
    ['discover -o yaml', ['discover', '-o', 'yaml']],
  ])(
    '%s ends by SIGPIPE, as git and kubectl do, with nothing on stderr',
    async (_name, args) => {
      const result = await closedEarly([MAIN, ...args, '--repo', root]);
      expect(result.read).toBeGreaterThan(0);
      expect(result.stderr).not.toMatch(/EPIPE|Error|at /);
      expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGPIPE' });
    },
    60_000,
  );

  it("the controller's log lines go through the same handling", async () => {
    const script = [
      `const { stopQuietlyOnClosedPipe } = await import(${JSON.stringify(fileURLToPath(new URL('../../cli/closed-pipe.ts', import.meta.url)))});`,
      `const { createControllerLogger } = await import(${JSON.stringify(fileURLToPath(new URL('../../engine/index.ts', import.meta.url)))});`,
      'stopQuietlyOnClosedPipe();',
      'const logger = await createControllerLogger();',
      "for (let i = 0; i < 100000; i++) logger.info({ round: i }, 'reconciled');",
      'await new Promise((r) => setTimeout(r, 2000));',
    ].join('\n');
    const result = await closedEarly(['--input-type=module', '-e', script]);
    expect(result.read).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
    expect({ code: result.code, signal: result.signal }).toEqual({ code: null, signal: 'SIGPIPE' });
  }, 60_000);

  it.runIf(existsSync('/dev/full'))(
    'a write that fails otherwise (> /dev/full: ENOSPC) is one line on stderr and status 1, no stack trace',
    () => {
      const full = openSync('/dev/full', 'w');
      try {
        for (const args of [['plan', '-o', 'json'], ['graph']]) {
          const result = spawnSync(process.execPath, ['--import', TSX, MAIN, ...args, '--repo', root], {
            cwd: PROJECT_ROOT,
            env: { ...process.env, NO_COLOR: '1', PLUMB_DEBUG: undefined },
            stdio: ['ignore', full, 'pipe'],
            encoding: 'utf8',
          });
          expect(result.status, result.stderr).toBe(1);
          expect(result.stderr).toMatch(/^error: cannot write to standard output: ENOSPC.*\n$/);
          expect(result.stderr).not.toMatch(/\n\s+at /);
        }
      } finally {
        closeSync(full);
      }
    },
    60_000,
  );
});
