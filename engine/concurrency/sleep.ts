import { setTimeout as wait } from 'node:timers/promises';

/**
 * Waits `ms` milliseconds (capped to a timer's range, about 24.8 days), or
 * rejects with the signal's own reason as soon as it aborts — the reason the
 * caller gave, not Node's generic AbortError, so the caller's error handling
 * sees what it aborted with. Node's `timers/promises` does the waiting.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await wait(Math.min(Math.max(0, ms), 2 ** 31 - 1), undefined, signal ? { signal } : undefined);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  }
}
