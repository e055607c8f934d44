import { parentPort, workerData } from 'node:worker_threads';
import { cacheWarnings, defaultRenderCache, isCode, knownSecretValues, plan as runPlan, scrubText, setCacheWarningSink } from '../engine/index.js';
import type { WorkerRequest, WorkerAnswer } from './plan-in-worker.js';

/**
 * The body of the planning worker (plan-in-worker.ts): one runPlan, its
 * answer posted back as plain data. Loading and parsing YAML are synchronous
 * CPU work; here they cannot freeze the TUI's keys or spinner.
 */
const request = workerData as WorkerRequest;
// the TUI owns the terminal: a cache warning goes back with the answer, never as a line over its screen
setCacheWarningSink(() => {});
try {
  const renderCache = await defaultRenderCache();
  if (request.renderCache) renderCache.seed(request.renderCache);
  const { renderCache: _cache, ...planRequest } = request;
  const result = await runPlan({ ...planRequest, now: request.now ? new Date(request.now) : undefined });
  const answer: WorkerAnswer = {
    ok: true,
    ...(result.plan ? { plan: result.plan } : {}),
    diagnostics: result.diagnostics,
    ...(result.documents ? { documents: result.documents } : {}),
    loaded: { root: result.repo.root, config: result.repo.config, cis: result.repo.cis, revision: result.repo.revision },
    renderCache: renderCache.entriesList(),
    cacheWarnings: cacheWarnings(),
    secrets: knownSecretValues(),
  };
  parentPort!.postMessage(answer);
} catch (e) {
  const answer: WorkerAnswer = {
    ok: false,
    error: scrubText(e instanceof Error ? e.message : String(e)),
    ...(e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && isCode(e.code) ? { code: e.code } : {}),
    ...(e && typeof e === 'object' && 'hint' in e && typeof e.hint === 'string' ? { hint: scrubText(e.hint) } : {}),
    cacheWarnings: cacheWarnings(),
  };
  parentPort!.postMessage(answer);
}
