import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { readRepositoryFile } from '../../load/worktree-source.js';
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
    const inRepository = relative(root, path);
    let text: string | undefined;
    try {
      // plumb.yaml is Git content: a repository-relative PEM is read on the loader's terms (a committed link to
      // /dev/zero read to 2 GiB, a link to a FIFO blocked the plan for good, a link out of the repository was read);
      // an absolute path elsewhere (a system CA bundle) only as a regular file, opened without blocking
      text =
        inRepository && !inRepository.startsWith('..') && !isAbsolute(inRepository)
          ? readRepositoryFile(root, inRepository)?.toString('utf8')
          : readRegularFile(path);
    } catch (e) {
      throw new PlumbError('provider.bad-setting', `targets.${name}.ca: cannot read ${f as string}${e instanceof PlumbError ? `: ${e.message}` : ''}`, {
        cause: e,
        hint: 'give a readable PEM file',
        data: { target: name, setting: 'ca' },
      });
    }
    if (text === undefined) {
      throw new PlumbError('provider.bad-setting', `targets.${name}.ca: cannot read ${f as string}: no such file`, {
        hint: 'give a readable PEM file',
        data: { target: name, setting: 'ca' },
      });
    }
    return text;
  });
  return createEndpointProvider({ ...(concurrency !== undefined ? { concurrency } : {}), ...(ca.length > 0 ? { ca } : {}) });
}

function bad(name: string, key: string, expected: string): PlumbError {
  return new PlumbError('provider.bad-setting', `targets.${name}.${key} must be ${expected}`, {
    hint: 'fix the target in plumb.yaml',
    data: { target: name, setting: key },
  });
}

/** A file outside the repository, read only when it is a regular file (opened without blocking: a FIFO never blocks). */
function readRegularFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new PlumbError('load.not-a-file', `${path} is not a regular file`, { data: { file: path } });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
