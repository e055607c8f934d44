import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createHostProvider } from '../../../../engine/providers/host/host-provider.js';
import { readHostFacts, type HostFacts } from '../../../../engine/providers/host/host-facts.js';
import type { CI } from '../../../../engine/model/ci.js';
import { makeCI, signal } from '../make-ci.js';

const FACTS: HostFacts = {
  hostname: 'db-host-1.fra1.example.com',
  os: 'Ubuntu 24.04.1 LTS',
  osType: 'Linux',
  osRelease: '6.8.0-45-generic',
  arch: 'x64',
  cpus: 8,
  memoryBytes: 33_402_744_832, // 31.1 GiB usable on a 32 GB machine
  load: [0.42, 0.3, 0.25],
  uptimeSeconds: 86_400,
  addresses: ['10.20.1.11', '192.168.5.2', 'fe80::1'],
};

function host(name: string, spec: Record<string, unknown> = {}, source: Record<string, unknown> = { provider: 'host' }): CI {
  return makeCI({ apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name, namespace: 'shop' }, spec, source });
}

describe('the host provider', () => {
  it('observes the Host CI that is this machine, with its facts, and no other', async () => {
    const self = host('db-host-1', { os: 'Ubuntu 24.04 LTS', ip: '10.20.1.11', cpus: 8, memoryGb: 32, location: 'fra1-rack-a' });
    const other = host('db-host-2', { ip: '10.20.1.12' });
    const answer = await createHostProvider({ facts: () => FACTS }).discover({ desired: [other, self] }, signal());
    expect(answer).toEqual({
      diagnostics: [],
      observed: [
        {
          id: 'host:shop/db-host-1',
          object: {
            apiVersion: 'plumb.io/v1',
            kind: 'Host',
            metadata: { name: 'db-host-1', namespace: 'shop' },
            spec: { os: 'Ubuntu 24.04.1 LTS', ip: '10.20.1.11', cpus: 8, memoryGb: 31, location: 'fra1-rack-a' },
            status: {
              hostname: 'db-host-1.fra1.example.com',
              osType: 'Linux',
              osRelease: '6.8.0-45-generic',
              arch: 'x64',
              memoryBytes: 33_402_744_832,
              load: [0.42, 0.3, 0.25],
              uptimeSeconds: 86_400,
              addresses: ['10.20.1.11', '192.168.5.2', 'fe80::1'],
            },
          },
        },
      ],
    });
  });

  it('matches by source.hostname when the CI is named otherwise', async () => {
    const ci = host('primary-db', {}, { provider: 'host', hostname: 'DB-HOST-1.fra1.example.com' });
    const { observed } = await createHostProvider({ facts: () => FACTS }).discover({ desired: [ci] }, signal());
    expect(observed.map((o) => o.id)).toEqual(['host:shop/primary-db']);
    // No desired ip: the machine's first address.
    expect((observed[0].object.spec as { ip: string }).ip).toBe('10.20.1.11');
  });

  it('reports the first address when the desired ip is not one of this machine', async () => {
    const ci = host('db-host-1', { ip: '10.99.0.1' });
    const { observed } = await createHostProvider({ facts: () => FACTS }).discover({ desired: [ci] }, signal());
    expect((observed[0].object.spec as { ip: string }).ip).toBe('10.20.1.11');
  });

  it('says so when no Host CI is this machine', async () => {
    const answer = await createHostProvider({ facts: () => FACTS }).discover({ desired: [host('web-1'), host('web-2')] }, signal());
    expect(answer).toEqual({
      observed: [],
      diagnostics: [
        {
          severity: 'info',
          code: 'host.not-this-machine',
          message: 'none of the 2 host CIs is this machine (db-host-1.fra1.example.com)',
          hint: 'name the host CI after the machine, or set source.hostname',
        },
      ],
    });
  });

  it('is read-only, and healthy only for the machine it found', async () => {
    const provider = createHostProvider({ facts: () => FACTS });
    expect(provider.readOnly).toBe(true);
    expect(provider.apply).toBeUndefined();
    await provider.discover({ desired: [host('db-host-1'), host('web-1')] }, signal());
    expect(await provider.health!({ ids: ['host:shop/db-host-1', 'host:shop/web-1'], timeoutMs: 100 }, signal())).toEqual({
      diagnostics: [],
      results: [
        { id: 'host:shop/db-host-1', healthy: true },
        { id: 'host:shop/web-1', healthy: false, message: 'not the machine plumb runs on (or not discovered yet)' },
      ],
    });
  });

  it('reads real facts of the machine it runs on', async () => {
    const facts = readHostFacts();
    expect(facts.hostname).toBe(hostname());
    expect(facts.cpus).toBeGreaterThan(0);
    expect(facts.memoryBytes).toBeGreaterThan(0);
    expect(facts.os.length).toBeGreaterThan(0);
    expect(facts.addresses.every((a) => a !== '127.0.0.1' && a !== '::1')).toBe(true);
    const ci = makeCI({ apiVersion: 'plumb.io/v1', kind: 'Host', metadata: { name: hostname().toLowerCase().split('.')[0] }, spec: {} });
    const { observed } = await createHostProvider().discover({ desired: [ci] }, signal());
    expect(observed.map((o) => o.id)).toEqual([ci.id]);
  });
});
