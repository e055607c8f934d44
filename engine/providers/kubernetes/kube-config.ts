import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { PlumbError } from '../../model/errors.js';
import { didYouMeanHint } from '../../model/did-you-mean.js';

export interface KubeConfigOptions {
  /** `--kubeconfig`, or the target's `kubeconfig` setting. */
  readonly kubeconfig?: string;
  /** `--context`, or the target's `context` setting. */
  readonly context?: string;
  /** Force the in-cluster ServiceAccount config (the controller). */
  readonly inCluster?: boolean;
}

/** Where a pod's ServiceAccount token is mounted (client-node's in-cluster config reads it). */
const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Whether {@link loadKubeConfig} would find a cluster to talk to: `--in-cluster`,
 * `--kubeconfig` or `--context` given, `$KUBECONFIG` set, `~/.kube/config` present, or a
 * ServiceAccount token mounted — the places kubectl and client-node's
 * `loadFromDefault` look. When none is there, `loadFromDefault` silently
 * invents `http://localhost:8080`, which every call then fails against; a
 * caller that can run without a cluster (the controller on a developer's
 * machine) asks this first instead. `env` and `home` are for tests.
 */
export function kubeConfigFound(opts: KubeConfigOptions, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): boolean {
  // a --context names a cluster the caller wants: loadKubeConfig then says what is missing rather than running without one
  if (opts.inCluster || opts.kubeconfig || opts.context) return true;
  if (env.KUBECONFIG?.trim()) return true;
  if (existsSync(join(home, '.kube', 'config'))) return true;
  return existsSync(SERVICEACCOUNT_TOKEN);
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
      const known = kc.getContexts().map((c) => c.name);
      throw new PlumbError('kubernetes.unknown-context', `context "${opts.context}" is not in the kubeconfig`, {
        hint: didYouMeanHint(opts.context, known, `known contexts: ${known.join(', ') || '(none)'}`),
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
