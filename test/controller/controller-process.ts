import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { apiCall, type ControlPlaneInfo } from '../cluster/control-plane.js';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `plumb controller …` as a separate process, its JSON log lines collected as they come. */
export interface ControllerProcess {
  readonly child: ChildProcess;
  /** Every stdout+stderr byte, for the "no token in the logs" check. */
  output(): string;
  /** Parsed JSON log lines (non-JSON lines are kept as `{raw}`). */
  logs(): Record<string, any>[];
  /** `http://host:port` of /healthz, /readyz, /metrics, /status, /hooks/git. */
  base(): Promise<string>;
  exited(): Promise<number | null>;
}

export function spawnController(args: readonly string[], env: Record<string, string> = {}): ControllerProcess {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'controller', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logs = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, any>;
        } catch {
          return { raw: line };
        }
      });
  return {
    child,
    output: () => out,
    logs,
    base: () =>
      waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`controller exited with ${child.exitCode}:\n${out}`);
          const started = logs().find((l) => l.msg === 'controller started');
          return started ? `http://${started.address}` : undefined;
        },
        { timeoutMs: 30_000, what: 'the controller to start' },
      ),
    exited: () => exit,
  };
}

/** Polls `fn` until it returns something other than undefined/false; bounded, never a fixed sleep. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
      if ((e as Error).message?.startsWith('controller exited')) throw e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'a condition'}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}

export async function httpGet(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

/**
 * Creates every document of a manifest file with the admin token (409 Already
 * Exists is fine): the test uses deploy/'s manifests exactly as they are.
 */
export async function applyManifests(info: ControlPlaneInfo, text: string): Promise<void> {
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as any;
    if (!o) continue;
    const path = collectionPath(o);
    const r = await apiCall(info, info.adminToken, 'POST', path, o);
    if (r.status >= 300 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

function collectionPath(o: any): string {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const plural = {
    Namespace: 'namespaces',
    ServiceAccount: 'serviceaccounts',
    Role: 'roles',
    RoleBinding: 'rolebindings',
    ClusterRole: 'clusterroles',
    ClusterRoleBinding: 'clusterrolebindings',
    ConfigMap: 'configmaps',
  }[o.kind as string];
  if (!plural) throw new Error(`no path for ${o.kind}`);
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return o.metadata.namespace ? `${prefix}/namespaces/${o.metadata.namespace}/${plural}` : `${prefix}/${plural}`;
}
