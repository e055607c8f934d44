/**
 * Turns triggers into reconciles, one at a time (a work queue of one key, as
 * controller-runtime has per object):
 *
 * - `trigger(reason)` while idle starts a reconcile now; while one runs, it
 *   marks one follow-up — any number of triggers during a run coalesce into a
 *   single next run (with the first pending reason);
 * - after each run the next one is scheduled by its outcome: `retryInMs` for a
 *   transient failure (backoff with jitter), else the interval;
 * - `stop()` cancels the timer, aborts the running reconcile's signal and
 *   waits for it to finish (its status is still written).
 */
export class ReconcileLoop {
  private running?: Promise<void>;
  private pending?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly run: (trigger: string, signal: AbortSignal) => Promise<{ retryInMs?: number }>,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  trigger(reason: string): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending ??= reason;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.execute(reason);
  }

  /** True while a reconcile runs. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort(new Error('controller stopping'));
    await this.running;
  }

  private async execute(reason: string): Promise<void> {
    let next = this.intervalMs;
    try {
      const outcome = await this.run(reason, this.abort.signal);
      if (outcome.retryInMs !== undefined) next = outcome.retryInMs;
    } catch (e) {
      this.onError(e);
    }
    this.running = undefined;
    if (this.stopped) return;
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      this.trigger(pending);
      return;
    }
    this.timer = setTimeout(() => this.trigger(next === this.intervalMs ? 'interval' : 'retry'), next);
  }
}
