import { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig for an API server on 127.0.0.1 (TLS checks off), with `user`'s credential (default: a fixed bearer token). */
export function kubeConfigFor(server: string, user: { token?: string; username?: string; password?: string } = { token: 'secret-token' }): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}
