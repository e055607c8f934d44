import { describe, expect, it } from 'vitest';
import type { JsonApi } from '../../../engine/leader/lease-api.js';
import { LeaseElector } from '../../../engine/leader/lease-elector.js';

/** An in-memory Lease endpoint with the API server's optimistic concurrency: a PUT with a stale resourceVersion is 409. */
function fakeLeaseApi() {
  let lease: any;
  let rv = 0;
  let down = false;
  const fail = (status: number) => Object.assign(new Error(`http ${status}`), { status });
  const api: JsonApi = {
    async call({ method, body: raw }) {
      const body = raw as any;
      if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      if (method === 'GET') {
        if (!lease) throw fail(404);
        return { status: 200, body: structuredClone(lease) };
      }
      if (method === 'POST') {
        if (lease) throw fail(409);
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return { status: 201, body: lease };
      }
      if (method === 'PUT') {
        if (body.metadata.resourceVersion !== lease.metadata.resourceVersion) throw fail(409);
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return { status: 200, body: lease };
      }
      throw fail(405);
    },
  };
  return { api, lease: () => lease, setDown: (d: boolean) => (down = d) };
}

describe('Lease leader election', () => {
  it('one of two replicas leads; the other takes over only after the lease duration without renewals', async () => {
    const { api, lease } = fakeLeaseApi();
    let now = 0;
    const clock = () => now;
    const a = new LeaseElector({ api, namespace: 'ns', name: 'l', identity: 'a', leaseDurationMs: 4000, clock });
    const b = new LeaseElector({ api, namespace: 'ns', name: 'l', identity: 'b', leaseDurationMs: 4000, clock });
    expect([await a.tryAcquireOrRenew(), await b.tryAcquireOrRenew()]).toEqual([true, false]);
    now = 2000;
    expect([await a.tryAcquireOrRenew(), await b.tryAcquireOrRenew()]).toEqual([true, false]);
    // a dies: b has seen the record unchanged since t=2000, so it waits until t=6000
    now = 5900;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    now = 6000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect({ holder: lease().spec.holderIdentity, transitions: lease().spec.leaseTransitions }).toEqual({ holder: 'b', transitions: 1 });
    // a comes back: it sees b's lease and steps down at once
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(false);
  });

  it('a leader that cannot renew stops being the leader at the renew deadline, before the lease can expire for others', async () => {
    const { api, setDown } = fakeLeaseApi();
    let now = 0;
    const stopped: string[] = [];
    const a = new LeaseElector({
      api,
      namespace: 'ns',
      name: 'l',
      identity: 'a',
      leaseDurationMs: 3000,
      clock: () => now,
      onStoppedLeading: (r) => stopped.push(r),
    });
    await a.tryAcquireOrRenew();
    setDown(true);
    now = 1000;
    expect([await a.tryAcquireOrRenew(), a.isLeader()]).toEqual([true, true]);
    now = 2000; // renew deadline = 2/3 of 3000 ms
    expect(a.isLeader()).toBe(false);
    await a.tryAcquireOrRenew();
    expect(stopped).toEqual(['renew deadline passed']);
  });

  it('stop() releases the lease so a follower takes it at once', async () => {
    const { api, lease } = fakeLeaseApi();
    let now = 0;
    const a = new LeaseElector({ api, namespace: 'ns', name: 'l', identity: 'a', leaseDurationMs: 4000, clock: () => now, retryPeriodMs: 60_000 });
    const b = new LeaseElector({ api, namespace: 'ns', name: 'l', identity: 'b', leaseDurationMs: 4000, clock: () => now });
    a.start();
    await new Promise((r) => setImmediate(r));
    await a.stop();
    expect(lease().spec.holderIdentity).toBeUndefined();
    now = 10;
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('two followers racing for a free lease: exactly one wins (409 for the other)', async () => {
    const { api } = fakeLeaseApi();
    const mk = (id: string) => new LeaseElector({ api, namespace: 'ns', name: 'l', identity: id, leaseDurationMs: 4000, clock: () => 0 });
    const results = await Promise.all(['x', 'y', 'z'].map((id) => mk(id).tryAcquireOrRenew()));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
