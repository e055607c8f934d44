import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentCorrelator } from '../../../engine/correlate/correlator.js';
import type { IncidentPayloadV2 as IncidentPayload } from '../../../engine/incidents/types.js';
import { incidentMessages } from '../../../engine/incidents/incident-messages.js';
import { Outbox } from '../../../engine/notify/outbox.js';
import { createEndpointProvider } from '../../../engine/providers/endpoint/endpoint-provider.js';
import { graphOf } from '../impact/graph-fixture.js';
import { Receiver, waitFor } from '../notify/receiver.js';
import { at, EDGES, SPECS, stateDir } from './tracker-fixture.js';

const SECRET = 'itsm-shared-secret';

/** The shop's public API, on 127.0.0.1; `stop` makes its port refuse, `start` brings it back on the same port. */
class Api {
  private server: Server | undefined;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const s = this.server!;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

/**
 * The controller's monitoring round, as it would wire the modules: probe the
 * endpoints, turn the results into incidents, and hand them to the outbox,
 * which delivers them to the ITSM receiver in the background.
 */
async function controller(dir: string, receiver: Receiver) {
  const outbox = await Outbox.open({
    path: join(dir, 'outbox.jsonl'),
    destinations: { itsm: { url: receiver.url, secret: SECRET, timeoutMs: 1000 } },
    backoff: { baseMs: 40, maxMs: 200 },
  });
  const tracker = await IncidentCorrelator.open({
    statePath: join(dir, 'incidents.json'),
    updateEveryMs: 10 * 60_000,
    windowMs: 0,
    emit: async (actions) => void (await outbox.enqueue(incidentMessages(actions, 'itsm'))),
  });
  const provider = createEndpointProvider();
  outbox.start();
  return {
    outbox,
    async round(minute: number, graph: ReturnType<typeof graphOf>): Promise<IncidentPayload[]> {
      const desired = graph.mapNodes((_id, attrs) => attrs.ci);
      const { observed } = await provider.discover({ desired }, new AbortController().signal);
      const time = at(minute).toISOString();
      tracker.submit(
        observed.map((o) => {
          const status = o.object.status as { up: boolean; error?: string };
          return { ci: o.id, kind: 'down', time, detail: status.up ? 'up' : (status.error ?? 'down'), severity: status.up ? 'cleared' : 'major' } as const;
        }),
      );
      return tracker.evaluate({ now: at(minute), graph });
    },
  };
}

const api = new Api();
const receiver = new Receiver(SECRET);
afterAll(async () => {
  await receiver.stop();
  await api.stop().catch(() => undefined);
});

describe('the incident flow against a webhook receiver on 127.0.0.1', () => {
  it('one ticket per incident: opened with its business services, updated while it lasts, resolved on recovery — across a receiver outage and a restart', async () => {
    await api.start();
    await receiver.start();
    const graph = graphOf(EDGES, { ...SPECS, 'endpoint:shop/api-public': { spec: { url: `http://127.0.0.1:${api.port}/healthz`, timeoutMs: 1000 } } });
    graph.dropNode('endpoint:shop/metrics'); // one probe is enough here
    const dir = stateDir();
    let c = await controller(dir, receiver);
    const drained = () => waitFor(() => c.outbox.pending().length === 0, 5000, 'the outbox to drain');

    expect(await c.round(0, graph)).toEqual([]);

    await api.stop();
    expect((await c.round(1, graph)).map((a) => a.action)).toEqual(['open']);
    await drained();
    for (const minute of [2, 3, 5, 8]) expect(await c.round(minute, graph)).toEqual([]);
    expect((await c.round(11, graph)).map((a) => a.action)).toEqual(['update']);
    await drained();

    // The ITSM system goes away for a while; the loop goes on, the outbox retries.
    await receiver.stop();
    expect((await c.round(21, graph)).map((a) => a.action)).toEqual(['update']);
    await waitFor(() => c.outbox.pending()[0]?.attempts >= 2, 5000, 'retries');
    // …and the controller restarts meanwhile.
    await c.outbox.stop();
    c = await controller(dir, receiver);
    expect(await c.round(22, graph)).toEqual([]);
    await receiver.start();
    await drained();

    await api.start();
    expect((await c.round(23, graph)).map((a) => a.action)).toEqual(['resolve']);
    await drained();
    await c.outbox.stop();

    const webshop = [{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' }];
    const tickets = receiver.deliveries.map((d) => {
      const p = d.body as IncidentPayload;
      return {
        key: d.key,
        signed: d.signed,
        action: p.action,
        revision: p.revision,
        ci: p.ci.id,
        reason: p.reason,
        businessServices: p.businessServices,
        firstSeen: p.firstSeen,
      };
    });
    const key = (receiver.deliveries[0].body as IncidentPayload).dedupeKey;
    const common = { signed: true, ci: 'endpoint:shop/api-public', reason: 'connection refused', businessServices: webshop, firstSeen: at(1).toISOString() };
    expect(tickets).toEqual([
      { key: `${key}:1`, action: 'open', revision: 1, ...common },
      { key: `${key}:2`, action: 'update', revision: 2, ...common },
      { key: `${key}:3`, action: 'update', revision: 3, ...common },
      { key: `${key}:4`, action: 'resolve', revision: 4, ...common },
    ]);
    expect(receiver.duplicates()).toEqual([]);
  });
});
