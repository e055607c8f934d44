import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/**
 * `-o FORMAT=FILE` names a file to replace atomically — or a device, a pipe or
 * a link that the output must go through, as the shell's `>` does:
 * `-o sarif=/dev/stdout` is a common CI idiom. Renaming a temporary file over
 * them replaced the link or the FIFO with a plain file (as root, /dev/stdout
 * itself) and the output never reached its reader. The links here are made in
 * a temporary directory, never in /dev.
 */
describe('-o FORMAT=FILE through a device, a pipe or a link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-output-devices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const validateJson = (out: string) => (JSON.parse(out) as { ok?: unknown; summary?: unknown; diagnostics?: unknown }).diagnostics;

  it('a link to the process’s standard output (what /dev/stdout is): the JSON reaches stdout and the link stays', async () => {
    const link = join(dir, 'stdout');
    symlinkSync('/proc/self/fd/1', link);
    const r = await runCli(['validate', '-o', `json=${link}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // the -o file first, then stdout's own format (text), into the same pipe
    expect(r.stdout.startsWith('{')).toBe(true);
    const json = r.stdout.slice(0, r.stdout.indexOf('\n}\n') + 2);
    expect(validateJson(json)).toBeDefined();
  });

  it('a named pipe: its reader gets the JSON, and it stays a pipe', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let read = '';
    reader.stdout.setEncoding('utf8').on('data', (c: string) => (read += c));
    const done = new Promise((resolve) => reader.on('close', resolve));
    const r = await runCli(['validate', '-o', `json=${fifo}`]);
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(validateJson(read)).toBeDefined();
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a link to a file: the file gets the output (replaced atomically), the link stays', async () => {
    const file = join(dir, 'real.json');
    writeFileSync(file, 'old');
    const link = join(dir, 'link.json');
    symlinkSync(file, link);
    const r = await runCli(['validate', '-o', `json=${link}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(validateJson(readFileSync(file, 'utf8'))).toBeDefined();
  });
});
