import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writeK8sRepo } from '../cluster/k8s-fixture.js';
import { credentialsOf } from '../../engine/providers/kubernetes/kube-config.js';
import { runCli } from '../helpers/run-cli.js';

// The kubeconfig's credentials are secrets like any other: an API server (or a proxy in front of it) that echoes
// one, and a kubeconfig that does not parse, must print none of them, in any form.
const TOKEN = 'kc-bearer-7f3a9c0e5b1d4e2f8a6c';
const PASSWORD = 'kc-basic-password-Q8v2Lm4Zx';
const EXEC_SECRET = 'kc-exec-env-AKIAEXAMPLE0SECRET9';

let dir: string | undefined;
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function kubeconfig(server: string, user: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'current-context: echo',
    `clusters: [{name: echo, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
    `users: [{name: u, user: ${user}}]`,
    'contexts: [{name: echo, context: {cluster: echo, user: u}}]',
    '',
  ].join('\n');
}

/** An API server on 127.0.0.1 that answers every request with a plain-text 500 quoting the request's credentials. */
async function echoingServer(): Promise<string> {
  server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`upstream rejected: authorization=${req.headers.authorization ?? ''} b64=${Buffer.from(req.headers.authorization ?? '').toString('base64')}`);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('an API server that echoes the bearer token or basic-auth password in its error prints neither, in any form', async () => {
  const url = await echoingServer();
  for (const [user, secret] of [
    [`{token: ${TOKEN}}`, TOKEN],
    [`{username: admin, password: ${PASSWORD}}`, PASSWORD],
  ]) {
    dir = mkdtempSync(join(tmpdir(), 'plumb-kc-echo-'));
    writeK8sRepo(dir, { namespaces: ['kc-echo'], configMaps: 2, deployments: 0 });
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(url, user));
    const r = await runCli(['plan', '--repo', dir, '--kubeconfig', join(dir, 'kubeconfig')]);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('upstream rejected'); // the echo is shown — only its secrets are not
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(`admin:${secret}`).toString('base64')]) expect(out).not.toContain(form);
    expect(out).not.toMatch(/\n\s+at /);
    rmSync(dir, { recursive: true, force: true });
  }
  dir = undefined;
});

it('a kubeconfig that does not parse is named with file:line:column and its lines, credentials among them, are not quoted', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-bad-'));
  writeK8sRepo(dir, { namespaces: ['kc-bad'], configMaps: 1, deployments: 0 });
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: u',
      '  user:',
      `    token: ${TOKEN}`,
      `    password: ${PASSWORD}`,
      '   exec: {command: aws, env: [{name: AWS_SECRET_ACCESS_KEY, value: ' + EXEC_SECRET + '}]}',
      '',
    ].join('\n'),
  );
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', file]);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: cannot load the kubeconfig ${file}:8:4: bad indentation of a mapping entry`);
  for (const secret of [TOKEN, PASSWORD, EXEC_SECRET, TOKEN.slice(0, 12), PASSWORD.slice(0, 10)]) expect(out).not.toContain(secret);
  expect(out).not.toMatch(/\n\s+at /);
});

it("an exec credential plugin's token, echoed by the API server, is not printed (it never appears in the kubeconfig)", async () => {
  const url = await echoingServer();
  const token = 'kc-exec-issued-token-5d9e2b7a1c3f';
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-exec-'));
  writeK8sRepo(dir, { namespaces: ['kc-exec'], configMaps: 2, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`, {
    mode: 0o755,
  });
  writeFileSync(
    join(dir, 'kubeconfig'),
    kubeconfig(url, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never}}`),
  );
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', join(dir, 'kubeconfig')]);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain('upstream rejected');
  for (const form of [token, Buffer.from(`Bearer ${token}`).toString('base64')]) expect(out).not.toContain(form);
});

it('an exec credential plugin that fails or prints no ExecCredential is named as such (not an unreachable API server) and its output is not quoted', async () => {
  const url = await echoingServer();
  const token = 'kc-exec-malformed-token-8c1d2e3f';
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-exec-bad-'));
  writeK8sRepo(dir, { namespaces: ['kc-exec-bad'], configMaps: 1, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, kubeconfig(url, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never}}`));
  for (const [script, shown] of [
    [`#!/bin/sh\necho '${token}'\n`, 'its output is not an ExecCredential (JSON)'],
    [`#!/bin/sh\necho 'error: SSO session expired, run: login' >&2\nexit 3\n`, 'error: SSO session expired, run: login'],
  ]) {
    writeFileSync(plugin, script, { mode: 0o755 });
    const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfigFile]);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('kubernetes.credentials-unavailable');
    expect(out).toContain(`cannot get the kubeconfig user's credentials to read the API discovery documents: ${shown}`);
    expect(out).not.toContain('cannot reach the API server');
    expect(out).not.toContain(token.slice(0, 8));
    expect(out).not.toMatch(/\n\s+at /);
  }
});

it("the environment proxy's password is not printed when a credential plugin echoes it, whether or not the server goes through the proxy", async () => {
  const url = await echoingServer();
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-env-proxy-'));
  writeK8sRepo(dir, { namespaces: ['kc-env-proxy'], configMaps: 1, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, kubeconfig(url, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never}}`));
  writeFileSync(plugin, '#!/bin/sh\necho "cannot reach STS through proxy $HTTPS_PROXY (407)" >&2\nexit 1\n', { mode: 0o755 });
  for (const noProxy of ['', '127.0.0.1']) {
    const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfigFile], {
      env: { HTTPS_PROXY: 'http://proxyuser:Hunter2-proxy-pass@10.255.255.2:3128', NO_PROXY: noProxy },
    });
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toContain('cannot reach STS through proxy');
    expect(out).not.toContain('Hunter2-proxy-pass');
  }
});

it('a credential plugin echoing its environment and arguments prints none of the credentials the name rule and the forms find, and keeps its other words', async () => {
  const url = await echoingServer();
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-exec-echo-'));
  writeK8sRepo(dir, { namespaces: ['kc-exec-echo'], configMaps: 1, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  const kubeconfigFile = join(dir, 'kubeconfig');
  const exec = [
    `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never,`,
    '  args: [login, Zk3Xy7Wq9Lp2Mn8Bv4Cx, -p, kc-short-flag-pw-31, --cluster, prod-eks-cache],',
    '  env: [{name: VAULT_SECRET_ID, value: 3c9d2f1e-8b7a-4c6d-9e0f-1a2b3c4d5e6f}, {name: CACHE_KEY, value: prod-eks-cache}]}}',
  ].join('\n');
  writeFileSync(kubeconfigFile, kubeconfig(url, exec));
  writeFileSync(plugin, '#!/bin/sh\necho "login failed: secret-id $VAULT_SECRET_ID args $* cache $CACHE_KEY" >&2\nexit 1\n', { mode: 0o755 });
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfigFile]);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain('login failed: secret-id');
  for (const secret of ['3c9d2f1e-8b7a-4c6d-9e0f-1a2b3c4d5e6f', 'Zk3Xy7Wq9Lp2Mn8Bv4Cx', 'kc-short-flag-pw-31']) expect(out).not.toContain(secret);
  expect(out).toContain('cache prod-eks-cache'); // a cache key is no credential: the word stays in the output
});

it("a credential plugin's own proxy URL password and a numbered password variable, echoed, are printed in no form", async () => {
  const url = await echoingServer();
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-exec-url-'));
  writeK8sRepo(dir, { namespaces: ['kc-exec-url'], configMaps: 1, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  const kubeconfigFile = join(dir, 'kubeconfig');
  const env = '[{name: HTTPS_PROXY, value: "http://sts-user:Pl%40gin-proxy-9Qz@10.255.255.2:3128"}, {name: DB_PASSWORD2, value: "n0-Sep4rator-pw"}]';
  writeFileSync(
    kubeconfigFile,
    kubeconfig(url, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never, env: ${env}}}`),
  );
  // the proxy's password as written (percent-encoded), decoded, and as a plugin re-encodes it in a query
  writeFileSync(plugin, '#!/bin/sh\necho "proxy $HTTPS_PROXY refused; user Pl@gin-proxy-9Qz? retry ?p=Pl%40gin-proxy-9Qz pw=$DB_PASSWORD2" >&2\nexit 1\n', {
    mode: 0o755,
  });
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfigFile]);
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain('refused; user');
  for (const secret of ['Pl%40gin-proxy-9Qz', 'Pl@gin-proxy-9Qz', 'n0-Sep4rator-pw']) expect(out).not.toContain(secret);
});

it("a credential plugin echoing what it inherits from plumb's environment prints no credential of it", async () => {
  const url = await echoingServer();
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-exec-inherit-'));
  writeK8sRepo(dir, { namespaces: ['kc-exec-inherit'], configMaps: 1, deployments: 0 });
  const plugin = join(dir, 'credential-plugin.sh');
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, kubeconfig(url, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never}}`));
  writeFileSync(plugin, '#!/bin/sh\necho "sso failed: token $SSO_API_TOKEN db $STATE_DB sock $SSH_AUTH_SOCK" >&2\nexit 1\n', { mode: 0o755 });
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfigFile], {
    env: { SSO_API_TOKEN: 'inherited-Tok3n-8fa1', STATE_DB: 'postgres://state:Inh3rited-pw-77@10.255.255.3/state', SSH_AUTH_SOCK: join(dir, 'agent.sock') },
  });
  const out = r.stdout + r.stderr;
  expect(r.code).toBe(1);
  expect(out).toContain('sso failed: token');
  for (const secret of ['inherited-Tok3n-8fa1', 'Inh3rited-pw-77']) expect(out).not.toContain(secret);
  expect(out).toContain(join(dir, 'agent.sock')); // a socket's path is no credential
});

it('a kubeconfig whose unquoted password reads as a YAML tag or alias is refused without naming it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-tag-'));
  writeK8sRepo(dir, { namespaces: ['kc-tag'], configMaps: 1, deployments: 0 });
  for (const password of ['!Hunter2pass!', '*Hunter2pass']) {
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfig('http://127.0.0.1:9', `{username: admin, password: ${password}}`));
    const r = await runCli(['plan', '--repo', dir, '--kubeconfig', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot load the kubeconfig ${file}:`);
    expect(r.stdout + r.stderr).not.toContain('Hunter2pass');
  }
});

it('only credentials are taken: secret-named settings (from 4 characters when the exec entry hands them to the command, 97fdd21), never a profile name or a flag that would be scrubbed from every line', () => {
  const found = credentialsOf({
    name: 'u',
    exec: {
      command: 'aws',
      env: [
        { name: 'AWS_PROFILE', value: 'prod' },
        { name: 'AWS_REGION', value: 'eu-west-1' },
        { name: 'AWS_SECRET_ACCESS_KEY', value: EXEC_SECRET },
        { name: 'API_TOKEN', value: 'short' },
      ],
    },
    authProvider: { name: 'oidc', config: { 'client-id': 'kubernetes', 'id-token': TOKEN, 'expiry-key': '{.x}', 'extra-scopes': 'groups' } },
  });
  expect(found).toContain(EXEC_SECRET);
  expect(found).toContain(TOKEN);
  // a token the kubeconfig hands its plugin under a credential's name is one, however short (a plugin may echo it)
  expect(found).toContain('short');
  for (const setting of ['prod', 'eu-west-1', 'kubernetes', '{.x}', 'groups']) expect(found).not.toContain(setting);
});

it('settings that are not credentials are never taken, whatever their names hold (a path, a JSONPath, a key type, a policy); credentials by their field and flag are', () => {
  const ARG_TOKEN = 'kc-exec-arg-token-3e8d1f0a9b';
  const found = credentialsOf({
    name: 'u',
    exec: {
      command: 'get-token',
      args: ['--cluster-name', 'production-eu', '--token', ARG_TOKEN, `--client-secret=${PASSWORD}`, '--key-file', '/etc/keys/k.pem'],
      env: [
        { name: 'AWS_SHARED_CREDENTIALS_FILE', value: '/home/ops/.aws/credentials' },
        { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/gcp/key.json' },
        { name: 'GOOGLE_APPLICATION_CREDENTIALS_RELATIVE', value: 'sa-key.json' },
        { name: 'SSH_KEY_TYPE', value: 'ed25519-sk' },
        { name: 'API_PASSWORD_POLICY', value: 'required' },
        { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAEXAMPLEKEYID0001' },
        { name: 'AWS_SESSION_TOKEN', value: TOKEN },
        // a secret access key may start with '/', and a key held in a variable may be JSON: credentials, not a path or a template
        { name: 'AWS_SECRET_ACCESS_KEY', value: '/wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEK' },
        { name: 'GOOGLE_SERVICE_ACCOUNT_KEY', value: '{"type": "service_account", "private_key": "kc-json-key-51ab"}' },
        // a path that exists is a path under any name
        { name: 'SIGNING_KEY', value: tmpdir() },
      ],
    },
    authProvider: {
      name: 'gcp',
      config: {
        'token-key': '{.credential.access_token}',
        'expiry-key': '{.credential.token_expiry}',
        'cmd-path': '/usr/lib/google-cloud-sdk/bin/gcloud',
        'cmd-args': 'config config-helper --format=json',
        'access-token': 'ya29.kc-gcp-access',
      },
    },
  });
  for (const setting of [
    '/home/ops/.aws/credentials',
    '/var/run/secrets/gcp/key.json',
    'sa-key.json',
    'ed25519-sk',
    'required',
    'AKIAEXAMPLEKEYID0001',
    '{.credential.access_token}',
    '{.credential.token_expiry}',
    'production-eu',
    '/etc/keys/k.pem',
    '/usr/lib/google-cloud-sdk/bin/gcloud',
  ])
    expect(found).not.toContain(setting);
  expect(found).not.toContain(tmpdir());
  for (const credential of [
    TOKEN,
    ARG_TOKEN,
    PASSWORD,
    'ya29.kc-gcp-access',
    '/wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEK',
    '{"type": "service_account", "private_key": "kc-json-key-51ab"}',
  ])
    expect(found).toContain(credential);
});

it('KUBECONFIG=a:b: a file that does not parse is named, not the list', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-list-'));
  writeK8sRepo(dir, { namespaces: ['kc-list'], configMaps: 1, deployments: 0 });
  const good = join(dir, 'good');
  const bad = join(dir, 'bad');
  writeFileSync(good, kubeconfig('http://127.0.0.1:9', `{token: ${TOKEN}}`));
  writeFileSync(bad, ['apiVersion: v1', 'users:', '- name: v', '  user:', `    password: ${PASSWORD}`, '   exec: {}', ''].join('\n'));
  const r = await runCli(['plan', '--repo', dir], { env: { KUBECONFIG: `${good}:${bad}` } });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`cannot load the kubeconfig ${bad}:6:4: bad indentation of a mapping entry`);
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
});
