import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReachPolicy, setOperatorReach, setRepositoryReach } from '../../../engine/network/reach-policy.js';
import { sendWebhook } from '../../../engine/notify/send-webhook.js';
import { parseConfigText } from '../../../engine/config/parse-config.js';

describe('where Git content may make plumb connect', () => {
  // attack: an Endpoint CI or notifications.*.url made the controller connect to the cloud metadata service
  it('denies link-local and metadata addresses by default, in every spelling', () => {
    const policy = new ReachPolicy();
    for (const [host, address] of [
      ['169.254.169.254', '169.254.169.254'],
      ['x', 'fe80::1'],
      ['x', '::ffff:169.254.169.254'],
      ['metadata.google.internal', '10.0.0.1'],
      ['x', 'fd00:ec2::254'],
    ]) {
      expect(policy.refusal(host, address)).toMatch(/denied by default/);
    }
    expect(policy.refusal('localhost', '127.0.0.1')).toBeUndefined();
  });

  it('lets only the operator re-allow a metadata address; plumb.yaml can only narrow', () => {
    expect(new ReachPolicy({ allow: ['169.254.169.254'] }).refusal('169.254.169.254', '169.254.169.254')).toBeUndefined();
    expect(new ReachPolicy({}, { allow: ['169.254.0.0/16'] }).refusal('169.254.169.254', '169.254.169.254')).toMatch(/denied by default/);
    const narrowed = new ReachPolicy({ allow: ['10.0.0.0/8', '*.example.com'] }, { allow: ['10.1.0.0/16'] });
    expect(narrowed.refusal('10.2.0.1', '10.2.0.1')).toMatch(/plumb.yaml network.allow/);
    expect(narrowed.refusal('10.1.0.1', '10.1.0.1')).toBeUndefined();
    expect(narrowed.refusal('hooks.example.com', '192.0.2.1')).toMatch(/plumb.yaml network.allow/);
    expect(new ReachPolicy({ deny: ['hooks.example.com'] }).refusal('hooks.example.com', '192.0.2.1')).toMatch(/--network-deny/);
  });

  it('checks plumb.yaml network entries at their line', () => {
    const { diagnostics } = parseConfigText('network:\n  allow: [10.0.0.0/8]\n  deny: [10.0.0.0/99, "not a host"]\n');
    expect(diagnostics.map((d) => [d.code, d.message, d.line])).toEqual([
      ['config.invalid', 'network.deny[0]: 10.0.0.0/99 has a bad prefix length', 3],
      ['config.invalid', 'network.deny[1]: not a host is not an address, a CIDR range or a host name', 3],
    ]);
  });
});

describe('webhooks obey the network policy at connect time', () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  beforeEach(async () => {
    hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    setOperatorReach({});
    setRepositoryReach(undefined);
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses the metadata address without retrying', async () => {
    const result = await sendWebhook('http://169.254.169.254/latest/meta-data/', { a: 1 }, { timeoutMs: 2_000 });
    expect(result).toEqual({ ok: false, retryable: false, error: 'refused by the network policy (see docs/security.md, "Network reach")' });
  });

  it('refuses a host name whose address is denied (checked on the resolved address), and delivers otherwise', async () => {
    expect(await sendWebhook(`http://localhost:${port}/hook`, { a: 1 }, { timeoutMs: 2_000 })).toEqual({ ok: true, status: 200 });
    setRepositoryReach({ deny: ['127.0.0.0/8', '::1'] });
    const refused = await sendWebhook(`http://localhost:${port}/hook`, { a: 1 }, { timeoutMs: 2_000 });
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(hits).toBe(1);
  });
});
