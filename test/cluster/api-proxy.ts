import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { ControlPlaneInfo } from './control-plane.js';

/** One request plumb made through the proxy, and the API server's status (absent when the proxy answered it). */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly accept: string;
  status?: number;
}

export interface ApiProxy {
  /** A kubeconfig (admin token) whose server is the proxy: plain HTTP on 127.0.0.1. */
  readonly kubeconfig: string;
  /** Every request so far, in order (tests empty it between runs). */
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A proxy on 127.0.0.1 in front of the test API server: records what plumb
 * asks, then sends it on unchanged — unless `intercept` edits the headers
 * sent on (it may), or answers itself (it returns true after writing `res`).
 * Writes its kubeconfig into `dir`.
 */
export async function startApiProxy(
  c: ControlPlaneInfo,
  dir: string,
  intercept?: (req: IncomingMessage, headers: OutgoingHttpHeaders, res: ServerResponse) => boolean,
): Promise<ApiProxy> {
  const ca = readFileSync(c.caFile);
  const upstream = new URL(c.server);
  const requests: ProxiedRequest[] = [];
  const proxy = createServer((req, res) => {
    const seen: ProxiedRequest = { method: req.method ?? '', path: req.url ?? '', accept: String(req.headers.accept ?? '') };
    requests.push(seen);
    const headers: OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
    if (intercept?.(req, headers, res)) {
      req.resume();
      return;
    }
    const out = httpsRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, ca }, (up) => {
      seen.status = up.statusCode;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: counted, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "${c.adminToken}"}}]
contexts: [{name: counted, context: {cluster: counted, user: admin}}]
current-context: counted
`,
  );
  return { kubeconfig, requests, close: () => new Promise((resolve) => proxy.close(() => resolve())) };
}
