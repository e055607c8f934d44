import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyPlan } from '../../engine/apply/apply-plan.js';
import { createMemoryAuditLog } from '../../engine/audit/jsonl-audit-log.js';
import { createDirStore } from '../../engine/backup/dir-store.js';
import { createGitStore } from '../../engine/backup/git-store.js';
import type { BackupStore } from '../../engine/backup/types.js';
import { createFileLocker } from '../../engine/lock/file-locker.js';
import { planHash } from '../../engine/plan/assemble-plan.js';
import type { Plan, PlannedChange } from '../../engine/plan/types.js';
import { createFileProvider } from '../../engine/providers/file/file-provider.js';

/**
 * Apply of N File CIs (creates, spread over 4 waves) through the file provider
 * into a temp root, three ways: without backups, with the dir store, with the
 * git store. Reports throughput (CIs/s, the whole apply: stale check, backups,
 * writes, health) and the backup cost as a ratio to the apply without backups.
 * Median of `runs`, interleaved, each on a fresh root and store.
 *
 *   npx tsx test/bench/apply.ts [cis] [runs]
 */
export interface ApplyBenchResult {
  readonly cis: number;
  readonly runs: number;
  readonly concurrency: number;
  readonly withoutBackups: { ms: number; cisPerSecond: number };
  readonly dir: { ms: number; cisPerSecond: number; ratio: number };
  readonly git: { ms: number; cisPerSecond: number; ratio: number };
}

export async function benchApply(cis = 1000, runs = 3, concurrency = 8): Promise<ApplyBenchResult> {
  // interleaved (none, dir, git, none, …) so load on a shared machine hits all three alike
  const samples = { none: [] as number[], dir: [] as number[], git: [] as number[] };
  for (let i = 0; i < runs; i++) for (const store of ['none', 'dir', 'git'] as const) samples[store].push(await applyOnce(cis, store, concurrency));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const none = median(samples.none);
  const dir = median(samples.dir);
  const git = median(samples.git);
  const rate = (ms: number) => Math.round((cis / ms) * 1000);
  return {
    cis,
    runs,
    concurrency,
    withoutBackups: { ms: Math.round(none), cisPerSecond: rate(none) },
    dir: { ms: Math.round(dir), cisPerSecond: rate(dir), ratio: round2(dir / none) },
    git: { ms: Math.round(git), cisPerSecond: rate(git), ratio: round2(git / none) },
  };
}

async function applyOnce(cis: number, store: 'none' | 'dir' | 'git', concurrency: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'plumb-bench-apply-'));
  try {
    await mkdir(join(dir, 'root'));
    const provider = createFileProvider({ roots: ['root'], base: dir });
    const plan = syntheticPlan(cis, store !== 'none');
    const backupStore: BackupStore = store === 'git' ? createGitStore(join(dir, 'backups.git')) : createDirStore(join(dir, 'backups'));
    const start = performance.now();
    const report = await applyPlan({
      plan,
      providers: new Map([['files', provider]]),
      backupStore,
      lock: createFileLocker({ dir: join(dir, 'locks') }),
      audit: createMemoryAuditLog(),
      options: { concurrency },
    });
    const ms = performance.now() - start;
    if (report.outcome !== 'succeeded') throw new Error(`bench apply ${report.outcome}: ${JSON.stringify(report.changes.find((c) => c.result !== 'applied'))}`);
    return ms;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** N File creates (~200 bytes of content each) in 4 waves, as build-plan would make them. */
function syntheticPlan(n: number, backups: boolean): Plan {
  const changes: PlannedChange[] = [];
  const fingerprints: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = `f${String(i).padStart(5, '0')}`;
    const id = `file:default/${name}`;
    fingerprints[id] = 'absent';
    changes.push({
      id,
      action: 'create',
      wave: 1 + (i % 4),
      patch: [],
      diff: '',
      provider: 'file',
      target: 'files',
      paths: [],
      desired: {
        apiVersion: 'plumb.io/v1',
        kind: 'File',
        metadata: { name, namespace: 'default' },
        spec: { path: `${name}.conf`, content: `# ${name}\n${'key = value\n'.repeat(16)}`, mode: '0644' },
      },
    });
  }
  const withoutHash: Omit<Plan, 'hash'> = {
    version: 1,
    revision: 'worktree',
    createdAt: new Date().toISOString(),
    targets: ['files'],
    summary: { create: n, update: 0, delete: 0, noop: 0, unmanaged: 0 },
    fingerprints,
    changes,
    unmanaged: [],
    impact: { sources: [], event: 'change', affected: [], businessServices: [], risk: { score: 0, level: 'low' } },
    policy: { results: [], denied: false },
    backups: backups ? changes.map((c) => c.id) : [],
  };
  return { ...withoutHash, hash: planHash(withoutHash) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchApply(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 3));
  console.log(JSON.stringify(result, null, 2));
}
