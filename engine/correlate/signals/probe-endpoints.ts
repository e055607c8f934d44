import type { Failure, Recovery } from '../../incidents/types.js';
import type { LoadedRepository } from '../../load/types.js';
import { effectiveProvider, type CI } from '../../model/ci.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { isPlumbError } from '../../model/errors.js';
import type { Provider } from '../../providers/contract.js';
import { createEndpointProvider } from '../../providers/endpoint/endpoint-provider.js';
import type { ProbeStatus } from '../../providers/endpoint/probe-status.js';
import { createProvider, selectDesired } from '../../providers/registry.js';

export interface ProbeRound {
  readonly failures: Failure[];
  readonly recoveries: Recovery[];
  /** Endpoint CIs probed this round. */
  readonly probed: number;
  /** Of which down. */
  readonly down: number;
  readonly diagnostics: Diagnostic[];
}

/** Endpoint CIs probed with one provider (one plumb.yaml target, or the default settings). */
export interface ProbeGroup {
  readonly provider: () => Provider;
  readonly cis: CI[];
}

/** Failure kind of a certificate under its Endpoint's `tlsExpiryWarningDays`: an incident of its own. */
export const CERTIFICATE_EXPIRING = 'certificate-expiring';

/**
 * Which Endpoint CIs the controller watches, and with which provider settings:
 *
 * - the CIs each `provider: endpoint` target of plumb.yaml owns (its
 *   `select`, its `ca` and `concurrency`) — a CI two targets own is probed once;
 * - without such a target, every Endpoint CI whose `source.provider` is
 *   `endpoint`, with default settings: the CI itself says that the endpoint
 *   provider observes it, and probes are read-only and contact only the URL
 *   the CI names.
 */
export function probePlan(repo: LoadedRepository): ProbeGroup[] {
  const { config, cis, root } = repo;
  const targets = Object.entries(config.targets).filter(([, t]) => t.provider === 'endpoint');
  if (targets.length === 0) {
    const own = cis.filter((ci) => ci.kind === 'Endpoint' && effectiveProvider(ci) === 'endpoint');
    return own.length ? [{ provider: () => createEndpointProvider(), cis: own }] : [];
  }
  const seen = new Set<string>();
  const groups: ProbeGroup[] = [];
  for (const [name, target] of targets) {
    const owned = selectDesired(target, name, cis).filter((ci) => ci.kind === 'Endpoint' && !seen.has(ci.id));
    for (const ci of owned) seen.add(ci.id);
    if (owned.length) groups.push({ provider: () => createProvider(name, target, { root, config }), cis: owned });
  }
  return groups;
}

/**
 * Probes the watched Endpoint CIs (probePlan) and sorts the answers into the
 * tracker's failures and recoveries. A probe that is down is a `down` failure
 * with the probe's error as the reason (stable while nothing changes: no
 * latency in it); one that is up recovers `down`. A certificate under its
 * warning threshold is a `certificate-expiring` failure; a certificate read
 * and fine recovers it. Bad target settings and unprobeable specs come back as
 * diagnostics, and those CIs are neither failed nor recovered.
 */
export async function probeEndpoints(repo: LoadedRepository, signal: AbortSignal): Promise<ProbeRound> {
  const groups = probePlan(repo);
  const failures: Failure[] = [];
  const recoveries: Recovery[] = [];
  const diagnostics: Diagnostic[] = [];
  let probed = 0;
  let down = 0;
  for (const group of groups) {
    let provider: Provider;
    try {
      provider = group.provider();
    } catch (e) {
      if (!isPlumbError(e)) throw e;
      diagnostics.push({ severity: 'error', code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), file: 'plumb.yaml' });
      continue;
    }
    try {
      const answer = await provider.discover({ desired: group.cis }, signal);
      diagnostics.push(...answer.diagnostics.filter((d) => d.code !== 'endpoint.certificate-expiring'));
      for (const o of answer.observed) {
        const status = o.object.status as ProbeStatus | undefined;
        if (!status) continue;
        probed++;
        if (status.up) recoveries.push({ ci: o.id, kind: 'down' });
        else {
          down++;
          failures.push({ ci: o.id, reason: status.error ?? 'down' });
        }
        if (status.certificate?.expiringSoon) {
          failures.push({ ci: o.id, kind: CERTIFICATE_EXPIRING, reason: `certificate expires ${status.certificate.notAfter}` });
        } else if (status.certificate) recoveries.push({ ci: o.id, kind: CERTIFICATE_EXPIRING });
      }
    } finally {
      await provider.close?.();
    }
  }
  return { failures, recoveries, probed, down, diagnostics };
}
