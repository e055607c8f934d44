import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { PlumbError } from '../../model/errors.js';

export interface KubeConfigOptions {
  /** `--kubeconfig`, or the target's `kubeconfig` setting. */
  readonly kubeconfig?: string;
  /** `--context`, or the target's `context` setting. */
  readonly context?: string;
  /** Force the in-cluster ServiceAccount config (the controller). */
  readonly inCluster?: boolean;
}

/**
 * Resolves a kubeconfig as kubectl does: an explicit file, else `$KUBECONFIG`,
 * else `~/.kube/config`, else the in-cluster ServiceAccount (client-node's
 * `loadFromDefault` order); then switches to `context` when given.
 */
export function loadKubeConfig(opts: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.inCluster) kc.loadFromCluster();
    else if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig)) {
        throw new PlumbError('kubernetes.kubeconfig-missing', `kubeconfig ${opts.kubeconfig} does not exist`, {
          hint: 'pass an existing file with --kubeconfig, or set KUBECONFIG',
        });
      }
      kc.loadFromFile(opts.kubeconfig);
    } else kc.loadFromDefault();
  } catch (e) {
    if (e instanceof PlumbError) throw e;
    throw new PlumbError('kubernetes.kubeconfig-invalid', `cannot load the kubeconfig: ${(e as Error).message}`, {
      hint: 'check the file with `kubectl config view`',
      cause: e,
    });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new PlumbError('kubernetes.unknown-context', `context "${opts.context}" is not in the kubeconfig`, {
        hint: `known contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }`,
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new PlumbError('kubernetes.no-cluster', 'the kubeconfig names no current cluster', {
      hint: 'pass --kubeconfig and --context, or run inside a cluster',
    });
  }
  return kc;
}
