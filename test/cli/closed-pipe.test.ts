import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * A reader slower than plumb (`plan -o json | jq` on a busy machine): a process
 * reading its stdin 1,000 bytes at a time, 0.5 ms apart, and writing what it
 * read. A separate process, as in a shell pipeline: a parent reading a child's
 * pipe itself drops what is left unread in it once the child exits (Node
 * resumes the child's paused stdout then).
 */
const SLOW_READER = `
const { readSync, writeSync } = require('node:fs');
const buffer = Buffer.alloc(1000);
const sleep = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  let n;
  try {
    n = readSync(0, buffer, 0, buffer.length, null);
  } catch (e) {
    if (e.code === 'EAGAIN') { Atomics.wait(sleep, 0, 0, 1); continue; }
    throw e;
  }
  if (n === 0) break;
  writeSync(1, buffer.subarray(0, n));
  Atomics.wait(sleep, 0, 0, 0.5);
}
`;

/** Runs `node ARGS… | SLOW_READER` in a shell; resolves with plumb's exit status and what the reader got. */
function readSlowly(args: readonly string[], dir: string): { code: number; stdout: string } {
  const reader = join(dir, 'slow-reader.cjs');
  writeFileSync(reader, SLOW_READER);
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const plumb = [process.execPath, '--import', TSX, ...args].map(quote).join(' ');
  const r = spawnSync('bash', ['-c', `${plumb} | ${quote(process.execPath)} ${quote(reader)}; exit "\${PIPESTATUS[0]}"`], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', PLUMB_DEBUG: undefined },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { code: r.status ?? -1, stdout: r.stdout };
}

describe('a reader slower than plumb (plumb plan -o json | jq)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'plumb-slow-pipe-'));
    generateInventory(root, { cis: 1000 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gets every byte: the output written in pieces is not cut off by the exit (each piece below the pipe high-water mark returned true while still queued)', () => {
    const file = join(root, 'plan.json');
    const written = spawnSync(process.execPath, ['--import', TSX, MAIN, 'plan', '-o', `json=${file}`, '--repo', root], { encoding: 'utf8' });
    expect(written.status, written.stderr).toBeLessThanOrEqual(3);
    const whole = JSON.parse(readFileSync(file, 'utf8')) as { changes: unknown[] };
    const piped = readSlowly([MAIN, 'plan', '-o', 'json', '--repo', root], root);
    expect(piped.code).toBe(written.status);
    expect(piped.stdout.slice(-40)).toMatch(/}\n$/);
    expect((JSON.parse(piped.stdout) as { changes: unknown[] }).changes).toHaveLength(whole.changes.length);
  }, 120_000);
});
