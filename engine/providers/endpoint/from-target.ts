import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TargetConfig } from '../../config/types.js';
import { PlumbError } from '../../model/errors.js';
import type { Provider } from '../contract.js';
import { createEndpointProvider } from './endpoint-provider.js';

/**
 * The endpoint provider a plumb.yaml target describes:
 *
 * ```yaml
 * targets:
 *   probes: {provider: endpoint, concurrency: 16, ca: certs/internal-ca.pem}
 * ```
 * `concurrency` (probes in flight, default 16); `ca` (a PEM file or a list of
 * them, repository-relative or absolute, trusted besides the system roots).
 * Bad settings throw `provider.bad-setting` before anything is probed.
 */
export function endpointProviderFromTarget(name: string, target: TargetConfig, root: string): Provider {
  const concurrency = target.concurrency;
  if (concurrency !== undefined && (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)) {
    throw bad(name, 'concurrency', 'a whole number of at least 1');
  }
  const caFiles = target.ca === undefined ? [] : Array.isArray(target.ca) ? target.ca : [target.ca];
  if (!caFiles.every((f) => typeof f === 'string' && f)) throw bad(name, 'ca', 'a PEM file path or a list of them');
  const ca = caFiles.map((f) => {
    const path = resolve(root, f as string);
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new PlumbError('provider.bad-setting', `targets.${name}.ca: cannot read ${f as string}`, {
        cause: e,
        hint: 'give a readable PEM file',
        data: { target: name, setting: 'ca' },
      });
    }
  });
  return createEndpointProvider({ ...(concurrency !== undefined ? { concurrency } : {}), ...(ca.length > 0 ? { ca } : {}) });
}

function bad(name: string, key: string, expected: string): PlumbError {
  return new PlumbError('provider.bad-setting', `targets.${name}.${key} must be ${expected}`, {
    hint: 'fix the target in plumb.yaml',
    data: { target: name, setting: key },
  });
}
