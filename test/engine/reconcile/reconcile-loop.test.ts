import { describe, expect, it } from 'vitest';
import { ReconcileLoop } from '../../../engine/reconcile/reconcile-loop.js';

describe('reconcile loop', () => {
  it('runs one reconcile at a time and coalesces the triggers that arrive meanwhile into one follow-up', async () => {
    const runs: string[] = [];
    let release!: () => void;
    let active = 0;
    let maxActive = 0;
    const loop = new ReconcileLoop(async (trigger) => {
      runs.push(trigger);
      maxActive = Math.max(maxActive, ++active);
      await new Promise<void>((r) => (release = r));
      active--;
      return {};
    }, 3_600_000);
    loop.trigger('source');
    loop.trigger('webhook');
    loop.trigger('drift');
    loop.trigger('drift');
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await new Promise((r) => setImmediate(r));
    expect({ runs, maxActive, busy: loop.busy }).toEqual({ runs: ['source', 'webhook'], maxActive: 1, busy: false });
    await loop.stop();
  });

  it('stop() aborts the running reconcile and waits for it to report', async () => {
    let sawAbort = false;
    const loop = new ReconcileLoop(async (_t, signal) => {
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      sawAbort = signal.aborted;
      return {};
    }, 3_600_000);
    loop.trigger('start');
    await loop.stop();
    expect({ sawAbort, busy: loop.busy }).toEqual({ sawAbort: true, busy: false });
  });
});
