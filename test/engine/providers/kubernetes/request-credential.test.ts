import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { KubeClient } from '../../../../engine/providers/kubernetes/kube-client.js';
import { loadKubeConfig } from '../../../../engine/providers/kubernetes/kube-config.js';
import { scrubText } from '../../../../engine/redact/scrubber.js';

/**
 * The credential a client's requests carry keys the dry-run book where the
 * server does not say who plumb is (no SelfSubjectReview): a kubeconfig's
 * username and password travel as the request's `auth`, not as a header, so
 * every basic-auth user of a server — and no user at all — had one key, and a
 * reader read the admin's kept dry-run answers (found by a hostile review).
 */
const dir = mkdtempSync(join(tmpdir(), 'plumb-request-credential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client(name: string, user: string): KubeClient {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      `users: [{name: u, user: ${user}}]`,
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      '',
    ].join('\n'),
  );
  return new KubeClient(loadKubeConfig({ kubeconfig: file }));
}

it('basic-auth users are told apart, from each other and from no credential, and the password is scrubbed', async () => {
  const reader = await client('reader', '{username: alice, password: reader-pw-7f3a91}').requestCredential();
  const admin = await client('admin', '{username: bob, password: admin-pw-c02e55}').requestCredential();
  const anonymous = await client('anonymous', '{}').requestCredential();
  expect(new Set([reader, admin, anonymous]).size).toBe(3);
  expect(await client('admin-again', '{username: bob, password: admin-pw-c02e55}').requestCredential()).toBe(admin);
  expect(scrubText('server said bob:admin-pw-c02e55')).not.toContain('admin-pw-c02e55');
});
