import { PlumbError } from '../model/errors.js';
import { apiDiagnostic } from '../providers/kubernetes/api-errors.js';
import { KubeClient } from '../providers/kubernetes/kube-client.js';
import { kubeConfigFound, loadKubeConfig } from '../providers/kubernetes/kube-config.js';
import { STATUS_CONFIGMAP } from './status-configmap.js';
import { statusVerdict, type ControllerStatus, type StatusVerdict } from './status.js';

/** Where `plumb status` reads the controller's status: its HTTP endpoint, or the ConfigMap through a kubeconfig. */
export type StatusLocation =
  | { readonly endpoint: string; readonly timeoutMs?: number }
  | { readonly kubeconfig?: string; readonly context?: string; readonly namespace?: string; readonly timeoutMs?: number };

/** What the controller published, with where it was read and the verdicts derived from it. */
export interface ControllerStatusReport extends StatusVerdict {
  /** `configmap NAMESPACE/plumb-status` or the `/status` URL. */
  readonly from: string;
  readonly status: ControllerStatus & { readonly leader?: boolean };
}

/** The controller's namespace when none is named: the one deploy/ installs it in. */
export const DEFAULT_CONTROLLER_NAMESPACE = 'plumb-system';

/**
 * Reads the controller's status as `argocd app get` reads an Application's:
 * from `GET <endpoint>/status` (the controller's HTTP server) or from the
 * ConfigMap `plumb-status` in its namespace (default `plumb-system`), through
 * the kubeconfig and context. Adds the sync and health verdicts
 * ({@link statusVerdict}). Timeout 10 s by default.
 *
 * Errors (PlumbError): `status.not-found` (no ConfigMap: no controller has
 * run there), `status.unreachable` (the endpoint does not answer),
 * `status.bad-response` (not a controller's status), and the kubeconfig's and
 * API server's own (`kubernetes.unreachable`, `kubernetes.forbidden`, …).
 */
export async function readControllerStatus(at: StatusLocation): Promise<ControllerStatusReport> {
  const timeoutMs = at.timeoutMs ?? 10_000;
  const { from, body } = 'endpoint' in at ? await fromEndpoint(at.endpoint, timeoutMs) : await fromConfigMap(at, timeoutMs);
  const status = parseStatus(body, from);
  return { from, ...statusVerdict(status), status };
}

async function fromEndpoint(endpoint: string, timeoutMs: number): Promise<{ from: string; body: string }> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PlumbError('status.unreachable', `--endpoint is not a URL: ${endpoint}`, {
      hint: 'e.g. --endpoint http://127.0.0.1:8080 (the controller --listen address)',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PlumbError('status.unreachable', `--endpoint must be http or https: ${endpoint}`, { hint: 'e.g. --endpoint http://127.0.0.1:8080' });
  }
  if (!url.pathname.endsWith('/status')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/status`;
  const from = url.toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (e) {
    const c = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (e as Error).message;
    throw new PlumbError('status.unreachable', `cannot reach the controller at ${from}: ${cause}`, {
      hint: 'is the controller running, and is this its --listen address? In a cluster: kubectl -n plumb-system port-forward svc/plumb-controller 8080',
    });
  }
  const body = await readBody(res, from, timeoutMs);
  if (res.status !== 200) {
    throw new PlumbError('status.bad-response', `${from} answered ${res.status}, not a controller's status`, {
      hint: 'point --endpoint at the controller (plumb controller --listen)',
    });
  }
  return { from, body };
}

/** The most of a /status answer plumb reads, bytes: a controller's status is a few KiB; a ConfigMap holds at most 1 MiB. */
export const MAX_STATUS_BYTES = 4 * 1024 * 1024;

/**
 * The body of a /status answer, read up to {@link MAX_STATUS_BYTES} and within
 * the same timeout as the request: an endpoint that streams without end or
 * stops half-way is an error naming it, in bounded time and memory (reading
 * it whole with `res.text()` grew to the size of whatever it sent until the
 * timeout, then failed as an internal error).
 */
async function readBody(res: Response, from: string, timeoutMs: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (!res.body) return '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_STATUS_BYTES) {
        await res.body.cancel().catch(() => undefined);
        throw new PlumbError('status.bad-response', `${from} answered more than ${MAX_STATUS_BYTES / 1024 / 1024} MiB, not a controller's status`, {
          hint: 'point --endpoint at the controller (plumb controller --listen)',
        });
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof PlumbError) throw e;
    const name = (e as Error).name;
    const why =
      name === 'TimeoutError' || name === 'AbortError'
        ? `did not finish its answer within ${timeoutMs / 1000} s`
        : `broke off its answer (${(e as Error).message})`;
    throw new PlumbError('status.unreachable', `${from} ${why}`, {
      hint: "is this the controller's --listen address? A proxy in between may be holding the answer",
    });
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function fromConfigMap(at: { kubeconfig?: string; context?: string; namespace?: string }, timeoutMs: number): Promise<{ from: string; body: string }> {
  const namespace = at.namespace ?? DEFAULT_CONTROLLER_NAMESPACE;
  const from = `configmap ${namespace}/${STATUS_CONFIGMAP}`;
  if (!kubeConfigFound(at)) {
    throw new PlumbError(
      'kubernetes.no-cluster',
      'no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster ServiceAccount) to read the status ConfigMap with',
      {
        hint: 'pass --kubeconfig/--context, or read a controller running without a cluster over HTTP: --endpoint http://127.0.0.1:8080',
      },
    );
  }
  const client = new KubeClient(loadKubeConfig({ kubeconfig: at.kubeconfig, context: at.context }), { attempts: 2, baseMs: 200, maxMs: 1000 }, 1);
  try {
    const res = await client.call({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${STATUS_CONFIGMAP}`,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (res.body as { data?: Record<string, string> } | undefined)?.data?.['status.json'];
    if (typeof body !== 'string') {
      throw new PlumbError('status.bad-response', `${from} has no status.json`, { hint: 'the ConfigMap was not written by plumb controller' });
    }
    return { from, body };
  } catch (e) {
    if (e instanceof PlumbError) throw e;
    if ((e as { status?: number }).status === 404) {
      throw new PlumbError('status.not-found', `no controller status in namespace ${namespace}: ConfigMap ${STATUS_CONFIGMAP} not found`, {
        hint: "no plumb controller has reconciled there yet: pass the controller's --namespace with -n, or read it over HTTP with --endpoint URL",
      });
    }
    const d = apiDiagnostic(e, {
      verb: 'get',
      namespace,
      resource: { groupVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, verbs: ['get'] },
    });
    throw new PlumbError(d.code as 'kubernetes.unreachable', d.message, d.hint ? { hint: d.hint } : {});
  } finally {
    client.close();
  }
}

function parseStatus(body: string, from: string): ControllerStatus {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new PlumbError('status.bad-response', `${from} is not JSON`, { hint: 'point it at plumb controller' });
  }
  const v = value as Partial<ControllerStatus> | null;
  if (!v || typeof v !== 'object' || typeof v.source !== 'string' || !Array.isArray(v.conditions)) {
    throw new PlumbError('status.bad-response', `${from} is not a plumb controller status (no source or conditions)`, { hint: 'point it at plumb controller' });
  }
  return v as ControllerStatus;
}
