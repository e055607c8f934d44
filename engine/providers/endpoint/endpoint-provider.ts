import { setMaxListeners } from 'node:events';
import { mapConcurrent } from '../../concurrency/map-concurrent.js';
import type { CI } from '../../model/ci.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { DiscoverRequest, HealthRequest, ObservedObject, Provider } from '../contract.js';
import { matchesSelector } from '../selector.js';
import { probeTargetOf } from './endpoint-spec.js';
import { probeEndpoint, type ProbeOptions } from './probe-endpoint.js';
import type { ProbeStatus } from './probe-status.js';

export interface EndpointProviderOptions extends ProbeOptions {
  /** Probes in flight at once (default 16). */
  readonly concurrency?: number;
}

/**
 * The read-only `endpoint` provider. `discover` probes every desired Endpoint
 * CI it is given (and nothing else: only the URL a CI names is ever
 * contacted), at most `concurrency` at a time, each within its own
 * `spec.timeoutMs`. The observed object is the desired document (so a probe
 * is never drift) plus `status` (probe-status.ts); a failed probe is an
 * observation, not a diagnostic. A certificate under `tlsExpiryWarningDays`
 * adds an `endpoint.certificate-expiring` warning. `health` probes the ids
 * again, from the CIs the last discover was given: healthy = up.
 */
export function createEndpointProvider(options: EndpointProviderOptions = {}): Provider {
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const known = new Map<string, CI>();

  async function probeAll(cis: readonly CI[], signal: AbortSignal): Promise<{ results: { ci: CI; status: ProbeStatus }[]; diagnostics: Diagnostic[] }> {
    const diagnostics: Diagnostic[] = [];
    const targets = cis.flatMap((ci) => {
      const { target, diagnostics: d } = probeTargetOf(ci);
      diagnostics.push(...d);
      return target ? [{ ci, target }] : [];
    });
    // every probe in flight listens on the one signal
    setMaxListeners(0, signal);
    const results = await mapConcurrent(targets, concurrency, async ({ ci, target }) => ({ ci, status: await probeEndpoint(target, signal, options) }));
    for (const { ci, status } of results) {
      const cert = status.certificate;
      if (cert?.expiringSoon) {
        diagnostics.push({
          severity: 'warning',
          code: 'endpoint.certificate-expiring',
          ci: ci.id,
          file: ci.origin.file,
          line: ci.origin.line,
          column: ci.origin.column,
          message: `the certificate of ${ci.id} expires in ${cert.daysLeft} days (${cert.notAfter})`,
          hint: 'renew the certificate',
        });
      }
    }
    return { results, diagnostics };
  }

  return {
    name: 'endpoint',
    readOnly: true,

    async discover(req: DiscoverRequest, signal: AbortSignal) {
      const endpoints = req.desired.filter((ci) => ci.kind === 'Endpoint' && (!req.selector || matchesSelector(ci.object, req.selector)));
      for (const ci of endpoints) known.set(ci.id, ci);
      const { results, diagnostics } = await probeAll(endpoints, signal);
      const observed: ObservedObject[] = results.map(({ ci, status }) => ({ id: ci.id, object: observedObject(ci, status) }));
      return { observed, diagnostics };
    },

    async health(req: HealthRequest, signal: AbortSignal) {
      const cis = req.ids.flatMap((id) => (known.has(id) ? [known.get(id)!] : []));
      const { results: probed, diagnostics } = await probeAll(cis, signal);
      const byId = new Map(probed.map((r) => [r.ci.id, r.status]));
      const results = req.ids.map((id) => {
        const status = byId.get(id);
        if (!status) return { id, healthy: false, message: 'not an endpoint this provider has discovered' };
        return status.up ? { id, healthy: true } : { id, healthy: false, message: status.error };
      });
      return { results, diagnostics };
    },
  };
}

/** The desired document without what only plumb reads (relations, source), plus the probe's status. */
function observedObject(ci: CI, status: ProbeStatus): Record<string, unknown> {
  const { relations: _r, source: _s, status: _old, ...rest } = ci.object as Record<string, unknown>;
  return { ...rest, status };
}
