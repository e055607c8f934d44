/**
 * Benchmarks of `plumb plan` and `plumb review` (issue 4), standalone:
 *
 *   npx tsx test/bench/plan.ts [CIs]        (default 100000)
 *
 * `plan`: the synthetic inventory (test/bench/generate.ts) planned against its
 * snapshot with 1% drift — target under 8 s. `review`: a commit changing 50
 * CIs reviewed against its parent — target under 5 s (cost should follow the
 * size of the change, not of the repository). Each stage is timed separately,
 * the same calls `runPlan`/`runReview` make, then the whole call once more.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pc from 'picocolors';
import { loadRepository } from '../../engine/load/load-repository.js';
import { buildPlan } from '../../engine/plan/build-plan.js';
import { discoverTargets } from '../../engine/plan/discover-targets.js';
import { planPolicies } from '../../engine/plan/plan-policies.js';
import { runPlan } from '../../engine/plan/run-plan.js';
import { selectTargets } from '../../engine/plan/select-targets.js';
import { loadPolicies } from '../../engine/policy/load-policies.js';
import { renderPlanJson } from '../../engine/report/plan-json.js';
import { renderPlanMarkdown } from '../../engine/report/plan-markdown.js';
import { renderPlanText } from '../../engine/report/plan-text.js';
import { runReview } from '../../engine/review/run-review.js';
import { validateRepository } from '../../engine/validate/validate.js';
import { generateInventory } from './generate.js';

export interface StageTimes {
  readonly [stage: string]: number;
}

export interface BenchFigures {
  readonly cis: number;
  readonly stages: StageTimes;
  /** The whole engine call (runPlan / runReview), wall seconds. */
  readonly total: number;
  /** The same call in CPU seconds (user + system, all threads). */
  readonly totalCpu: number;
  readonly peakRssMb: number;
  readonly summary: Record<string, number>;
}

const NOW = new Date('2026-11-20T12:00:00Z');

/** CPU seconds of this process (user + system): on a shared machine, wall time measures the neighbours too. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timed<T>(stages: Record<string, number>, name: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const cpu = cpuSeconds();
  const out = await fn();
  stages[name] = Math.round(performance.now() - start) / 1000;
  stages[`${name} (cpu)`] = Math.round((cpuSeconds() - cpu) * 1000) / 1000;
  return out;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Generates `cis` CIs in a temporary Git repository (removed afterwards unless `keep`). */
export function makeBenchRepo(cis: number): string {
  const root = mkdtempSync(join(tmpdir(), 'plumb-bench-plan-'));
  generateInventory(root, { cis, git: true, drift: 0.01 });
  return root;
}

/** `plumb plan` on the repository, stage by stage, then as one call. */
export async function benchPlan(root: string): Promise<BenchFigures> {
  const stages: Record<string, number> = {};
  const repo = await timed(stages, 'load', () => loadRepository({ repo: root }));
  const { graph } = await timed(stages, 'validate+graph', () => validateRepository(repo));
  const policies = await timed(stages, 'policies', () => loadPolicies(repo.policyDocuments, repo.locate));
  const found = await timed(stages, 'discover', () =>
    discoverTargets({ config: repo.config, names: selectTargets(repo.config), cis: repo.cis, root: repo.root, signal: new AbortController().signal }),
  );
  const { plan } = await timed(stages, 'plan', () =>
    buildPlan({
      repo,
      graph,
      targets: found.targets,
      now: NOW,
      policies: planPolicies({ policies: policies.policies, exceptions: policies.exceptions, graph, now: NOW }),
    }),
  );
  await timed(stages, 'render text', () => renderPlanText(plan, { colors: pc.createColors(false) }));
  await timed(stages, 'render json', () => renderPlanJson(plan));
  await timed(stages, 'render markdown', () => renderPlanMarkdown(plan));
  const start = performance.now();
  const cpu = cpuSeconds();
  const whole = await runPlan({ repo: root, now: NOW });
  const total = Math.round(performance.now() - start) / 1000;
  const totalCpu = Math.round((cpuSeconds() - cpu) * 1000) / 1000;
  if (!whole.plan)
    throw new Error(
      `bench plan failed: ${whole.diagnostics
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  return { cis: repo.cis.length, stages, total, totalCpu, peakRssMb: peakRssMb(), summary: { ...whole.plan.summary } };
}

/** Commits a change to `count` CIs (their spec.version) and reviews it against its parent. */
export async function benchReview(root: string, count = 50): Promise<BenchFigures> {
  let changed = 0;
  for (const file of listYaml(join(root, 'inventory'))) {
    if (changed >= count) break;
    const docs = readFileSync(file, 'utf8').split('---\n');
    const next = docs.map((doc) => {
      if (changed >= count || !/^ {2}version: .*$/m.test(doc)) return doc;
      changed++;
      return doc.replace(/^ {2}version: .*$/m, `  version: 9.9.${changed}`);
    });
    writeFileSync(file, next.join('---\n'));
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { stdio: 'pipe' });
  git('commit', '-qam', `change ${changed} cis`);
  const start = performance.now();
  const cpu = cpuSeconds();
  const result = await runReview({ repo: root, base: 'HEAD~1', head: 'HEAD', now: NOW });
  const total = Math.round(performance.now() - start) / 1000;
  const totalCpu = Math.round((cpuSeconds() - cpu) * 1000) / 1000;
  if (!result.plan)
    throw new Error(
      `bench review failed: ${result.diagnostics
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  return { cis: result.head.cis.length, stages: {}, total, totalCpu, peakRssMb: peakRssMb(), summary: { ...result.plan.summary, changedCis: changed } };
}

function listYaml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function main(): Promise<void> {
  const cis = Number(process.argv[2] ?? 100_000);
  const root = makeBenchRepo(cis);
  try {
    const plan = await benchPlan(root);
    console.log(`plan   ${plan.cis} CIs: ${plan.total}s wall, ${plan.totalCpu}s cpu (target < 8 s), peak RSS ${plan.peakRssMb} MB`, plan.stages, plan.summary);
    const review = await benchReview(root, 50);
    console.log(
      `review ${review.summary.changedCis}-CI change in ${review.cis} CIs: ${review.total}s wall, ${review.totalCpu}s cpu (target < 5 s), peak RSS ${review.peakRssMb} MB`,
      review.summary,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
