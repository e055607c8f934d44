import { expect, it } from 'vitest';
import { KubeClient } from '../../../../engine/providers/kubernetes/kube-client.js';
import { scrubText } from '../../../../engine/redact/scrubber.js';
import { kubeConfigFor } from '../../../helpers/kube-config-for.js';

/**
 * The credential a client's requests carry keys the dry-run book where the
 * server does not say who plumb is (no SelfSubjectReview): a kubeconfig's
 * username and password travel as the request's `auth`, not as a header, so
 * every basic-auth user of a server — and no user at all — had one key, and a
 * reader read the admin's kept dry-run answers (found by a hostile review).
 */
const client = (user: { username?: string; password?: string }) => new KubeClient(kubeConfigFor('https://127.0.0.1:1', user));

it('basic-auth users are told apart, from each other and from no credential, and the password is scrubbed', async () => {
  const reader = await client({ username: 'alice', password: 'reader-pw-7f3a91' }).requestCredential();
  const admin = await client({ username: 'bob', password: 'admin-pw-c02e55' }).requestCredential();
  const anonymous = await client({}).requestCredential();
  expect(new Set([reader, admin, anonymous]).size).toBe(3);
  expect(await client({ username: 'bob', password: 'admin-pw-c02e55' }).requestCredential()).toBe(admin);
  expect(scrubText('server said bob:admin-pw-c02e55')).not.toContain('admin-pw-c02e55');
});

it('a user with a username and no password registers no credential of the pair: client-node writes it as user:undefined', async () => {
  await new KubeClient(kubeConfigFor('https://127.0.0.1:1', { username: 'admin', token: 'tok-abcdefghijklmnop' })).requestCredential();
  expect(scrubText('field spec.replicas is undefined')).toBe('field spec.replicas is undefined');
});
