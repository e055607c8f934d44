import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki } from './certificates.js';

/**
 * A real kube-apiserver backed by a real etcd on 127.0.0.1, the way
 * controller-runtime's envtest runs them (see test/cluster/README.md). No
 * controller-manager, scheduler or kubelet: objects are stored, never rolled out.
 */
export interface ControlPlaneInfo {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  readonly caFile: string;
  readonly adminToken: string;
  /** An admin kubeconfig (context `plumb-test`). */
  readonly kubeconfig: string;
  readonly dir: string;
}

export interface ControlPlane extends ControlPlaneInfo {
  /** Kills kube-apiserver (SIGKILL) — for fault tests. */
  killApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port and waits for /readyz. */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export const K8S_VERSION = process.env.PLUMB_K8S_VERSION ?? 'v1.36.3';

export function binaryCache(): string {
  return process.env.PLUMB_K8S_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plumb', 'k8s', K8S_VERSION);
}

export function binariesPresent(): boolean {
  const cache = binaryCache();
  return ['kube-apiserver', 'etcd', 'kubectl'].every((b) => existsSync(join(cache, b)));
}

/** kubectl of the same release as the API server (built by build.sh). */
export function kubectlPath(): string {
  return join(binaryCache(), 'kubectl');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** One JSON call to the API server with a bearer token; resolves with status and parsed body. */
export function apiCall(
  info: Pick<ControlPlaneInfo, 'server' | 'caFile'>,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const url = new URL(path, info.server);
  const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(info.caFile),
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* plain text answers such as /readyz */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function waitReady(info: Pick<ControlPlaneInfo, 'server' | 'caFile'>, token: string, proc: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`kube-apiserver exited with ${proc.exitCode}; see ${log}`);
    try {
      const r = await apiCall(info, token, 'GET', '/readyz');
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`kube-apiserver not ready after 120 s (${last}); see ${log}`);
}

function kubeconfigYaml(server: string, caFile: string, token: string, namespace = 'default'): string {
  const ca = readFileSync(caFile).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: plumb-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: plumb-test',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: plumb-test',
    '  context:',
    '    cluster: plumb-test',
    '    user: plumb-test',
    `    namespace: ${namespace}`,
    'current-context: plumb-test',
    '',
  ].join('\n');
}

/** Writes a kubeconfig for a token (e.g. a ServiceAccount's) into the control plane's temp dir. */
export function writeKubeconfig(info: ControlPlaneInfo, token: string, name: string, namespace = 'default'): string {
  const file = join(info.dir, `${name}.kubeconfig`);
  writeFileSync(file, kubeconfigYaml(info.server, info.caFile, token, namespace), { mode: 0o600 });
  return file;
}

/**
 * Starts etcd and kube-apiserver on free loopback ports with throwaway
 * certificates and waits for /readyz. Always pair with `stop()` (in a finally
 * or a global teardown): it kills both processes and removes the temp dir.
 */
export async function startControlPlane(opts: { binDir?: string } = {}): Promise<ControlPlane> {
  const bin = opts.binDir ?? binaryCache();
  const dir = mkdtempSync(join(tmpdir(), 'plumb-cp-'));
  const pki = makePki(dir);
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const procs: ChildProcess[] = [];

  const etcdLog = join(dir, 'etcd.log');
  const etcd = spawn(
    join(bin, 'etcd'),
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const etcdOut = createWriteStream(etcdLog);
  etcd.stdout?.pipe(etcdOut);
  etcd.stderr?.pipe(etcdOut);
  procs.push(etcd);

  const server = `https://127.0.0.1:${apiPort}`;
  const apiLog = join(dir, 'kube-apiserver.log');
  const apiArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${dir}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${pki.saPub}`,
    `--service-account-signing-key-file=${pki.saKey}`,
    // 4,094 Service IPs: the test files sharing one server, and three copies of the kubernetes bench (124 Services each)
    '--service-cluster-ip-range=10.0.0.0/20',
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--enable-priority-and-fairness=false',
  ];
  let api: ChildProcess;
  const startApi = () => {
    api = spawn(join(bin, 'kube-apiserver'), apiArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(apiLog, { flags: 'a' });
    api.stdout?.pipe(out);
    api.stderr?.pipe(out);
    procs.push(api);
    return api;
  };

  const kill = async (p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const info = { server, caFile: pki.caCert, adminToken, dir, kubeconfig: join(dir, 'admin.kubeconfig') };
  const stop = async () => {
    await Promise.all(procs.map((p) => kill(p)));
    if (!process.env.PLUMB_KEEP_CLUSTER_DIR) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForEtcd(etcdPort, etcd, etcdLog);
    await waitReady(info, adminToken, startApi(), apiLog);
    writeFileSync(info.kubeconfig, kubeconfigYaml(server, pki.caCert, adminToken), { mode: 0o600 });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    ...info,
    stop,
    killApiServer: () => kill(api, 'SIGKILL'),
    restartApiServer: async () => {
      await waitReady(info, adminToken, startApi(), apiLog);
    },
  };
}

async function waitForEtcd(port: number, proc: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}; see ${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`etcd not healthy after 30 s; see ${log}`);
}

/**
 * A least-privilege identity: a ServiceAccount in `namespace`, a Role with
 * `rules` bound to it, and a real token from the TokenRequest API.
 */
export async function serviceAccountToken(
  info: ControlPlaneInfo,
  opts: { namespace: string; name: string; rules: unknown[]; clusterRules?: unknown[] },
): Promise<string> {
  const call = (method: string, path: string, body?: unknown) => apiCall(info, info.adminToken, method, path, body);
  const ensure = async (path: string, body: unknown) => {
    const r = await call('POST', path, body);
    if (r.status >= 300 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const ns = opts.namespace;
  await ensure('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await ensure(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: opts.name } });
  await ensure(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: opts.name },
    rules: opts.rules,
  });
  await ensure(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: opts.name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: opts.name },
    subjects: [{ kind: 'ServiceAccount', name: opts.name, namespace: ns }],
  });
  if (opts.clusterRules) {
    const crName = `${ns}-${opts.name}`;
    await ensure('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: crName },
      rules: opts.clusterRules,
    });
    await ensure('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: crName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: crName },
      subjects: [{ kind: 'ServiceAccount', name: opts.name, namespace: ns }],
    });
  }
  const r = await call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${opts.name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  if (r.status !== 201 || !r.body?.status?.token) throw new Error(`TokenRequest: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.status.token as string;
}
