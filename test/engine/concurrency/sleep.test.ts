import { describe, expect, it } from 'vitest';
import { sleep } from '../../../engine/concurrency/sleep.js';

describe('sleep: an abortable wait', () => {
  it('waits, and rejects with the signal’s own reason when aborted', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const reason = new Error('stopped');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const reason = new Error('already');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
