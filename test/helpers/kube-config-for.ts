import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig for a plain-HTTP API server on 127.0.0.1 (TLS checks off), with a fixed bearer token. */
export function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}
