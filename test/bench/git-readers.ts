/**
 * Which Git reader should serve `--rev`? Builds a repository of N synthetic
 * inventory files with real commits, then lists and reads every file of HEAD
 * through each reader, and runs the whole loadRepository on each.
 *
 *   npx tsx test/bench/git-readers.ts [files=3000]
 */
import { performance } from 'node:perf_hooks';
import { loadRepository } from '../../engine/load/load-repository.js';
import { openIsoGitSource } from '../../engine/load/git-iso-source.js';
import { openNativeGitSource } from '../../engine/load/git-native-source.js';
import type { FileSource } from '../../engine/load/file-source.js';
import { commit, makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { syntheticInventory } from './synthetic-yaml.js';

const files = Number(process.argv[2] ?? 3000);
const dir = makeGitRepo(syntheticInventory(files, 3), { message: 'inventory' });
// a second commit, so the objects are not all in one fresh state
commit(dir, { 'inventory/extra.yaml': 'apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: extra}\n' }, 'extra');
// and a packed repository too: real repositories are mostly packfiles
const packed = makeGitRepo(syntheticInventory(files, 3), { message: 'inventory' });
(await import('node:child_process')).execFileSync('git', ['-C', packed, 'gc', '--quiet']);

async function readAll(open: () => Promise<FileSource>): Promise<{ ms: number; bytes: number; n: number }> {
  const start = performance.now();
  const source = await open();
  const { files: listed } = await source.list(['inventory']);
  const sizes = await Promise.all(listed.map(async (f) => (await source.read(f.path))?.byteLength ?? 0));
  const bytes = sizes.reduce((a, b) => a + b, 0);
  await source.close();
  return { ms: performance.now() - start, bytes, n: listed.length };
}

async function best(label: string, run: () => Promise<{ ms: number; bytes: number; n: number }>) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  const ms = Math.min(...runs.map((r) => r.ms));
  console.log(`${label.padEnd(44)} ${String(runs[0].n).padStart(6)} files ${(runs[0].bytes / 1e6).toFixed(1).padStart(6)} MB ${ms.toFixed(0).padStart(7)} ms`);
  return ms;
}

for (const [name, repo] of [
  ['loose objects', dir],
  ['packed (git gc)', packed],
] as const) {
  const native = await best(`native  (ls-tree + cat-file --batch), ${name}`, () => readAll(() => openNativeGitSource(repo, 'HEAD')));
  const iso = await best(`isomorphic-git (readTree + readBlob), ${name}`, () => readAll(() => openIsoGitSource(repo, 'HEAD')));
  console.log(`  → native is ${(iso / native).toFixed(1)}× faster`);
  for (const gitReader of ['native', 'isomorphic'] as const) {
    await best(`loadRepository --rev HEAD, ${gitReader}, ${name}`, async () => {
      const start = performance.now();
      const loaded = await loadRepository({ repo, rev: 'HEAD', gitReader });
      return { ms: performance.now() - start, bytes: 0, n: loaded.files.size };
    });
  }
}
removeGitRepo(dir);
removeGitRepo(packed);
