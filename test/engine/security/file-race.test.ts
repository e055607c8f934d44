import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAS_PROC_FD } from '../../../engine/providers/file/dir-handle.js';
import { createFileProvider } from '../../../engine/providers/file/file-provider.js';
import { change, fileCI, signal } from '../providers/make-ci.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-race-'));
  await mkdir(join(dir, 'root/d'), { recursive: true });
  await mkdir(join(dir, 'outside'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_PROC_FD)('the file provider writes through directory descriptors', () => {
  // attack: a local process swapped root/d for a symlink to outside/ between plumb's check and its
  // write, and 2–25 of 300 files landed outside the root
  it('never writes outside the root while a directory is swapped for a symlink, over 300 files', async () => {
    const provider = createFileProvider({ roots: ['root'], base: dir });
    // another local process swaps root/d for a symlink to outside/ and back, as fast as it can: the link stands half
    // the time (with 1 ms of the real directory in each 4 ms, a loaded 2-core CI machine once saw no write of 30
    // rounds get through, which proves nothing either way)
    const script = `const fs = require('fs'); const [d, real, out] = process.argv.slice(1);
      const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
      for (;;) { try { fs.renameSync(d, real); fs.symlinkSync(out, d); spin(3); fs.unlinkSync(d); fs.renameSync(real, d); spin(3); } catch {} }`;
    const swapper = spawn(process.execPath, ['-e', script, join(dir, 'root/d'), join(dir, 'root/d.real'), join(dir, 'outside')], { stdio: 'ignore' });
    const results: { ok: boolean }[] = [];
    // at least 3 rounds, and on until some write got through between swaps (a loaded machine can
    // schedule the swapper so that every write of 3 rounds meets the symlink): bounded at 30 rounds
    for (let round = 0; round < 30 && (round < 3 || !results.some((r) => r.ok)); round++) {
      results.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, async (_, j) => {
            const i = round * 100 + j;
            const ci = fileCI(`f${i}`, { path: `d/f${i}`, content: `x${i}` });
            return provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal());
          }),
        )),
      );
    }
    swapper.kill('SIGKILL');
    await new Promise((r) => swapper.once('exit', r));
    const escaped = (await readdir(join(dir, 'outside'))).filter((n) => !n.startsWith('.'));
    const temps = (await readdir(join(dir, 'outside'))).filter((n) => n.startsWith('.'));
    expect({ escaped, temps, applied: results.filter((r) => r.ok).length > 0 }).toEqual({ escaped: [], temps: [], applied: true });
  });

  it('removes the temp files a killed apply left beside a file', async () => {
    await writeFile(join(dir, 'root/d/.app.conf.plumb-0123456789ab.tmp'), 'half');
    const provider = createFileProvider({ roots: ['root'], base: dir });
    const ci = fileCI('app', { path: 'd/app.conf', content: 'whole' });
    const r = await provider.apply!({ change: change(ci.id, 'create'), desired: ci.object, dryRun: false }, signal());
    expect(r.ok).toBe(true);
    expect(await readdir(join(dir, 'root/d'))).toEqual(['app.conf']);
  });
});

describe('setuid and setgid modes', () => {
  // a pull request must not hand out a setuid binary
  it('are refused unless the operator sets PLUMB_ALLOW_SETID=1', async () => {
    const { parseFileSpec } = await import('../../../engine/providers/file/file-spec.js');
    expect(parseFileSpec({ path: 'bin/sh', content: 'x', mode: '4755' }).problem).toBe(
      'spec.mode 4755 sets setuid, setgid or sticky bits; the operator allows them with PLUMB_ALLOW_SETID=1',
    );
    expect(parseFileSpec({ path: 'bin/sh', content: 'x', mode: '2755' }).problem).toMatch(/setgid/);
    expect(parseFileSpec({ path: 'bin/sh', content: 'x', mode: '0755' }).problem).toBeUndefined();
    process.env.PLUMB_ALLOW_SETID = '1';
    try {
      expect(parseFileSpec({ path: 'bin/sh', content: 'x', mode: '4755' }).problem).toBeUndefined();
    } finally {
      delete process.env.PLUMB_ALLOW_SETID;
    }
  });
});
