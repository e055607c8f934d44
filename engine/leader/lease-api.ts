/**
 * The slice of the Kubernetes API leader election needs: raw JSON calls that
 * answer `{status, body}` and throw for a final non-2xx answer with its
 * `status` (engine/providers/kubernetes/kube-client.ts's KubeClient fits). A
 * fake of this interface drives the unit tests.
 */
export interface JsonApi {
  call(req: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: string;
    body?: unknown;
    contentType?: string;
    signal?: AbortSignal;
  }): Promise<{ status: number; body: any }>;
}

/** The HTTP status of an error thrown by a JsonApi, if it carries one. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
