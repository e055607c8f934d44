import type { Diagnostic } from '../model/diagnostic.js';
import type { Provider } from '../providers/contract.js';

export interface HealthResult {
  readonly id: string;
  readonly healthy: boolean;
  readonly message?: string;
}

/**
 * Asks each target's provider whether the CIs just applied are healthy, all
 * targets at once, each bounded by `timeoutMs`. A check that does not answer
 * in time is aborted and counts as failed for every CI it covered — a hung
 * health endpoint must not pass a wave. A provider without `health` has
 * nothing to say, and says nothing; one answering with an error diagnostic
 * fails the CIs it was asked about. `written`: identity → the object as this
 * wave's write answered (HealthRequest.written); a provider's warnings (a watch
 * RBAC refuses) go to `diagnostics`.
 */
export async function checkHealth(
  providers: ReadonlyMap<string, Provider>,
  idsByTarget: ReadonlyMap<string, readonly string[]>,
  timeoutMs: number,
  signal: AbortSignal,
  opts: { written?: ReadonlyMap<string, Readonly<Record<string, unknown>>>; diagnostics?: Diagnostic[] } = {},
): Promise<HealthResult[]> {
  const perTarget = await Promise.all(
    [...idsByTarget].map(async ([target, ids]): Promise<HealthResult[]> => {
      const provider = providers.get(target);
      if (!provider?.health || ids.length === 0) return [];
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      try {
        const written = opts.written && new Map(ids.flatMap((id) => (opts.written!.has(id) ? [[id, opts.written!.get(id)!] as const] : [])));
        const answer = await Promise.race([provider.health({ ids, timeoutMs, ...(written?.size ? { written } : {}) }, controller.signal), timedOut]);
        if (answer === 'timeout') {
          controller.abort(new Error('health check timed out'));
          return ids.map((id) => ({ id, healthy: false, message: `health check timed out after ${formatMs(timeoutMs)}` }));
        }
        const error = answer.diagnostics.find((d) => d.severity === 'error');
        opts.diagnostics?.push(...answer.diagnostics.filter((d) => d.severity !== 'error'));
        if (error) return ids.map((id) => ({ id, healthy: false, message: error.message }));
        return answer.results.map((r) => ({ id: r.id, healthy: r.healthy, ...(r.message ? { message: r.message } : {}) }));
      } catch (e) {
        const message = `health check failed: ${e instanceof Error ? e.message : String(e)}`;
        return ids.map((id) => ({ id, healthy: false, message }));
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    }),
  );
  return perTarget.flat();
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
