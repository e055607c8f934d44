import { Worker } from 'node:worker_threads';
import {
  PlumbError,
  warnCacheOnce,
  type CI,
  type CIDocument,
  type Code,
  type Diagnostic,
  type Plan,
  type PlumbConfig,
  type RenderOutput,
} from '../engine/index.js';

/** What the TUI keeps of a loaded repository: plain data, so it crosses a worker boundary. */
export interface LoadedState {
  readonly root: string;
  readonly config: PlumbConfig;
  readonly cis: readonly CI[];
  readonly revision: string;
}

export interface WorkerRequest {
  readonly repo?: string;
  readonly cwd?: string;
  readonly target?: string;
  /** ISO 8601 (a Date does not survive structured clone as one). */
  readonly now?: string;
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  /** Also return every CI's redacted documents (the CI browser). */
  readonly documents?: boolean;
  /** The render cache of the previous worker: an unchanged Kustomize unit or chart is not rendered again on refresh. */
  readonly renderCache?: readonly (readonly [string, RenderOutput])[];
}

export type WorkerAnswer =
  | {
      readonly ok: true;
      readonly plan?: Plan;
      readonly diagnostics: readonly Diagnostic[];
      readonly documents?: readonly CIDocument[];
      readonly loaded: LoadedState;
      readonly renderCache?: readonly (readonly [string, RenderOutput])[];
      /** What the worker's content cache had to say (cache.unwritable, …): told by the main thread, never written by the worker. */
      readonly cacheWarnings?: readonly Diagnostic[];
      /** The secret values the worker's scrubber learnt while planning: the TUI's thread scrubs what it shows with them. */
      readonly secrets?: readonly string[];
    }
  | { readonly ok: false; readonly error: string; readonly code?: Code; readonly hint?: string; readonly cacheWarnings?: readonly Diagnostic[] };

/**
 * runPlan in a worker thread. The TUI's main thread only renders and reads
 * keys; loading 10,000 CIs takes seconds of synchronous parsing, which would
 * otherwise stop the spinner and swallow the operator's keys until it ends.
 * The worker runs the same module graph (under tsx it inherits the loader
 * through execArgv; built, it is plain JS). A PlumbError in the worker comes
 * back as a PlumbError with its code and hint.
 */
export function planInWorker(request: WorkerRequest, signal?: AbortSignal): Promise<Extract<WorkerAnswer, { ok: true }>> {
  // Run from sources (tsx), the worker needs tsx's loader registered before
  // it imports TypeScript: loader hooks do not cross into workers, so a small
  // bootstrap imports tsx first, then the worker module.
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(fromSources ? './plan-worker.ts' : './plan-worker.js', import.meta.url);
  const bootstrap = fromSources
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`
    : '';
  return new Promise((resolve, reject) => {
    const worker = fromSources ? new Worker(bootstrap, { eval: true, workerData: request }) : new Worker(url, { workerData: request });
    const onAbort = () => void worker.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    worker.once('message', (answer: WorkerAnswer) =>
      done(() => {
        // told here, once per process, where the front end decides where they go (run-tui.tsx holds them while Ink draws)
        for (const w of answer.cacheWarnings ?? []) warnCacheOnce(w);
        if (answer.ok) resolve(answer);
        else reject(new PlumbError(answer.code ?? 'tui.plan-failed', answer.error, { ...(answer.hint ? { hint: answer.hint } : {}) }));
      }),
    );
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) =>
      done(() =>
        reject(new PlumbError('tui.plan-worker-exited', `the planning worker exited with code ${code}`, { hint: 'run `plumb plan` to see the error' })),
      ),
    );
  });
}
