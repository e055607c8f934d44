/**
 * The loader's parse paths on docs/architecture.md's corpus (10,000 files, 10 CIs each,
 * ≈ 34 MB): the js-yaml fast path against `yaml` alone, in MB/s, then a whole
 * loadRepository of that corpus from a work tree.
 *
 *   node --expose-gc --import tsx test/bench/yaml-parsers.ts [files=10000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadRepository } from '../../engine/load/load-repository.js';
import { parseYamlFile } from '../../engine/load/parse-yaml.js';
import { removeGitRepo, writeFiles } from '../helpers/git-repo.js';
import { syntheticInventory } from './synthetic-yaml.js';

const fileCount = Number(process.argv[2] ?? 10_000);
const corpus = Object.entries(syntheticInventory(fileCount));
const totalBytes = corpus.reduce((n, [, text]) => n + Buffer.byteLength(text), 0);
console.log(`corpus: ${corpus.length} files, ${(totalBytes / 1e6).toFixed(1)} MB, ${corpus.length * 10} CIs`);

function parseAll(files: [string, string][], fast: boolean): { ms: number; mb: number; docs: number } {
  const start = performance.now();
  let docs = 0;
  let bytes = 0;
  for (const [path, text] of files) {
    docs += parseYamlFile(text, path, { maxAliases: 100, fast }).documents.length;
    bytes += text.length;
  }
  return { ms: performance.now() - start, mb: bytes / 1e6, docs };
}

const fast = parseAll(corpus, true);
console.log(`fast path (js-yaml):  ${fast.ms.toFixed(0)} ms for ${fast.mb.toFixed(1)} MB → ${(fast.mb / (fast.ms / 1000)).toFixed(1)} MB/s`);
const subset = corpus.slice(0, Math.min(corpus.length, 1500));
const slow = parseAll(subset, false);
console.log(`yaml only (eemeli):   ${slow.ms.toFixed(0)} ms for ${slow.mb.toFixed(1)} MB → ${(slow.mb / (slow.ms / 1000)).toFixed(1)} MB/s`);
console.log(`  → fast path ${(fast.mb / fast.ms / (slow.mb / slow.ms)).toFixed(1)}× faster`);

const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-'));
writeFiles(dir, Object.fromEntries(corpus));
globalThis.gc?.();
for (let run = 0; run < 2; run++) {
  const start = performance.now();
  const loaded = await loadRepository({ repo: dir });
  const ms = performance.now() - start;
  console.log(
    `loadRepository (work tree, run ${run + 1}): ${ms.toFixed(0)} ms, ${loaded.cis.length} CIs, ${loaded.diagnostics.length} diagnostics, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
}
removeGitRepo(dir);
