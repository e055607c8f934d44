import { microTime, statusOf, type JsonApi } from './lease-api.js';

export interface LeaseElectorOptions {
  readonly api: JsonApi;
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity (pod name, or host-pid). */
  readonly identity: string;
  /** How long a lease is valid without renewal (default 15 s). Followers wait this long after the last change they saw. */
  readonly leaseDurationMs?: number;
  /** A leader that has not renewed for this long steps down, before the lease can expire for the others (default 2/3 of the duration). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 1/5 of the duration). */
  readonly retryPeriodMs?: number;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: (reason: string) => void;
  /** Failed API calls (for logs); the elector keeps trying. */
  readonly onError?: (e: unknown) => void;
  /** Monotonic clock in ms (injectable for tests). */
  readonly clock?: () => number;
  /** Wall clock for the Lease's timestamps. */
  readonly wallClock?: () => Date;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection does it:
 *
 * - every `retryPeriod`, read the Lease; take it when it is free, ours, or
 *   expired — expired meaning that *this replica* has seen no change of the
 *   record for `leaseDuration` on its own monotonic clock (no trust in other
 *   machines' clocks); write with the read `resourceVersion`, so of two
 *   followers racing for it exactly one wins (the other gets 409 Conflict);
 * - the leader renews on the same period; if no renewal succeeded for
 *   `renewDeadline` (< leaseDuration) it steps down by itself, so it has
 *   stopped before any follower may take over;
 * - `isLeader()` is the check to make right before every write: it is true
 *   only while the last successful renewal is younger than `renewDeadline`,
 *   even if the renew loop has not yet noticed the failure;
 * - `stop()` releases the lease (holder cleared) so a follower takes over at
 *   once instead of after the lease duration.
 */
export class LeaseElector {
  private readonly duration: number;
  private readonly renewDeadline: number;
  private readonly retryPeriod: number;
  private readonly clock: () => number;
  private readonly wall: () => Date;
  private leading = false;
  private lastRenew = -Infinity;
  private observed?: { record: string; at: number };
  private timer?: NodeJS.Timeout;
  private running = false;
  private loop?: Promise<void>;
  private roundsDone = 0;

  constructor(private readonly opts: LeaseElectorOptions) {
    this.duration = opts.leaseDurationMs ?? 15_000;
    this.renewDeadline = opts.renewDeadlineMs ?? Math.round((this.duration * 2) / 3);
    this.retryPeriod = opts.retryPeriodMs ?? Math.max(100, Math.round(this.duration / 5));
    this.clock = opts.clock ?? (() => performance.now());
    this.wall = opts.wallClock ?? (() => new Date());
  }

  /** True only while the lease is held and was renewed within the renew deadline. */
  isLeader(): boolean {
    return this.leading && this.clock() - this.lastRenew < this.renewDeadline;
  }

  /** Election rounds completed (won, lost or failed): a follower is "ready" once it has been through one. */
  get rounds(): number {
    return this.roundsDone;
  }

  get identity(): string {
    return this.opts.identity;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      await this.tryAcquireOrRenew();
      this.roundsDone++;
      if (this.running) this.timer = setTimeout(() => (this.loop = tick()), this.retryPeriod);
    };
    this.loop = tick();
  }

  /** Stops campaigning; a leader releases the lease so a follower need not wait for it to expire. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.loop;
    if (this.leading) {
      this.setLeading(false, 'stopped');
      await this.release().catch((e) => this.opts.onError?.(e));
    }
  }

  /** One round; exposed for tests. Returns whether this replica leads afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock();
    try {
      const lease = await this.get();
      if (!lease) {
        await this.create();
        return this.renewed(now);
      }
      const spec: LeaseSpec = lease.spec ?? {};
      const record = JSON.stringify(spec);
      if (this.observed?.record !== record) this.observed = { record, at: now };
      const mine = spec.holderIdentity === this.opts.identity;
      const free = !spec.holderIdentity;
      const expired = now - this.observed.at >= (spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : this.duration);
      if (!mine && !free && !expired) return this.lost('held by another replica');
      const at = microTime(this.wall());
      const next: LeaseSpec = {
        holderIdentity: this.opts.identity,
        leaseDurationSeconds: Math.max(1, Math.round(this.duration / 1000)),
        acquireTime: mine ? (spec.acquireTime ?? at) : at,
        renewTime: at,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      await this.opts.api.call({
        method: 'PUT',
        path: this.path(),
        body: { ...lease, spec: next },
        signal: AbortSignal.timeout(this.renewDeadline),
      });
      this.observed = { record: JSON.stringify(next), at: now };
      return this.renewed(now);
    } catch (e) {
      if (statusOf(e) !== 409) this.opts.onError?.(e);
      // a failed renewal is not yet a lost lease: isLeader() turns false at the renew deadline
      if (this.leading && this.clock() - this.lastRenew >= this.renewDeadline) this.setLeading(false, 'renew deadline passed');
      return this.isLeader();
    }
  }

  private renewed(at: number): boolean {
    this.lastRenew = at;
    if (!this.leading) this.setLeading(true, 'acquired');
    return true;
  }

  private lost(reason: string): boolean {
    if (this.leading) this.setLeading(false, reason);
    return false;
  }

  private setLeading(value: boolean, reason: string): void {
    this.leading = value;
    if (value) this.opts.onStartedLeading?.();
    else this.opts.onStoppedLeading?.(reason);
  }

  private path(name = true): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/leases`;
    return name ? `${base}/${encodeURIComponent(this.opts.name)}` : base;
  }

  private async get(): Promise<any | undefined> {
    try {
      return (await this.opts.api.call({ method: 'GET', path: this.path(), signal: AbortSignal.timeout(this.renewDeadline) })).body;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  private async create(): Promise<void> {
    const at = microTime(this.wall());
    await this.opts.api.call({
      method: 'POST',
      path: this.path(false),
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec: {
          holderIdentity: this.opts.identity,
          leaseDurationSeconds: Math.max(1, Math.round(this.duration / 1000)),
          acquireTime: at,
          renewTime: at,
          leaseTransitions: 0,
        },
      },
      signal: AbortSignal.timeout(this.renewDeadline),
    });
  }

  private async release(): Promise<void> {
    const lease = await this.get();
    if (!lease || lease.spec?.holderIdentity !== this.opts.identity) return;
    await this.opts.api.call({
      method: 'PUT',
      path: this.path(),
      body: { ...lease, spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(this.wall()) } },
      signal: AbortSignal.timeout(this.renewDeadline),
    });
  }
}
