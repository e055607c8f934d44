import type { CI } from '../../model/ci.js';
import type { DiscoverRequest, HealthRequest, Provider } from '../contract.js';
import { matchesSelector } from '../selector.js';
import { readHostFacts, type HostFacts } from './host-facts.js';

export interface HostProviderOptions {
  /** The facts to report (tests); default: read from this machine on every discover. */
  readonly facts?: () => HostFacts;
}

const GIB = 1024 ** 3;

/**
 * The read-only `host` provider: facts of the machine plumb runs on, reported
 * for the one desired Host CI that is this machine — the CI whose
 * `source.hostname`, or else `metadata.name`, equals the hostname or its first
 * label (case-insensitive). Every other Host CI is not observed (it would show
 * as missing, so give such CIs another provider or leave them unobserved).
 *
 * The observed spec carries the comparable facts: `os` (PRETTY_NAME),
 * `cpus`, `memoryGb` (whole GiB, rounded: a 32 GB machine reports a little
 * less than 32 GiB of usable memory) and `ip` (the desired address when this
 * machine has it, else its first non-internal address); the rest (exact
 * memory, load, uptime, all addresses) goes in `status`, which is never drift.
 */
export function createHostProvider(options: HostProviderOptions = {}): Provider {
  const factsOf = options.facts ?? readHostFacts;
  let selfId: string | undefined;
  return {
    name: 'host',
    readOnly: true,

    async discover(req: DiscoverRequest) {
      const facts = factsOf();
      const hosts = req.desired.filter((ci) => ci.kind === 'Host' && (!req.selector || matchesSelector(ci.object, req.selector)));
      const self = hosts.find((ci) => isThisMachine(ci, facts.hostname));
      selfId = self?.id;
      if (!self) {
        return {
          observed: [],
          diagnostics:
            hosts.length === 0
              ? []
              : [
                  {
                    severity: 'info' as const,
                    code: 'host.not-this-machine',
                    message: `none of the ${hosts.length} host CIs is this machine (${facts.hostname})`,
                    hint: 'name the host CI after the machine, or set source.hostname',
                  },
                ],
        };
      }
      return { observed: [{ id: self.id, object: observedHost(self, facts) }], diagnostics: [] };
    },

    async health(req: HealthRequest) {
      // The machine answering is up; any other host is not one this provider can see.
      return {
        results: req.ids.map((id) =>
          id === selfId ? { id, healthy: true } : { id, healthy: false, message: 'not the machine plumb runs on (or not discovered yet)' },
        ),
        diagnostics: [],
      };
    },
  };
}

/** Does this Host CI name the machine with this hostname? */
export function isThisMachine(ci: CI, hostname: string): boolean {
  const declared = typeof ci.source?.hostname === 'string' && ci.source.hostname ? ci.source.hostname : ci.name;
  const want = declared.toLowerCase();
  const full = hostname.toLowerCase();
  return want === full || want === shortName(full) || shortName(want) === full;
}

function shortName(hostname: string): string {
  return hostname.toLowerCase().split('.')[0];
}

function observedHost(ci: CI, facts: HostFacts): Record<string, unknown> {
  const { relations: _r, source: _s, status: _old, spec: desiredSpec, ...rest } = ci.object as Record<string, unknown>;
  const desired = (desiredSpec ?? {}) as Record<string, unknown>;
  const ip = typeof desired.ip === 'string' && facts.addresses.includes(desired.ip) ? desired.ip : facts.addresses[0];
  return {
    ...rest,
    spec: {
      ...desired,
      os: facts.os,
      cpus: facts.cpus,
      memoryGb: Math.round(facts.memoryBytes / GIB),
      ...(ip ? { ip } : {}),
    },
    status: {
      hostname: facts.hostname,
      osType: facts.osType,
      osRelease: facts.osRelease,
      arch: facts.arch,
      memoryBytes: facts.memoryBytes,
      load: facts.load,
      uptimeSeconds: facts.uptimeSeconds,
      addresses: facts.addresses,
    },
  };
}
