import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-client.js';

/** One API resource as the discovery documents describe it. */
export interface ApiResource {
  readonly groupVersion: string;
  readonly kind: string;
  /** Plural resource name used in paths, e.g. `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/**
 * The API's discovery documents (`/api/v1`, `/apis`, `/apis/GROUP/VERSION`),
 * read lazily per group-version and cached; CRDs appear as soon as the server
 * serves them (`forget` drops a cached group-version after a CRD is applied).
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<Map<string, ApiResource> | undefined>>();
  /**
   * Group-versions whose discovery document the server could not give (an
   * aggregated APIService that is not ready answers 503), with the reason. kubectl
   * carries on without them; so does plumb: only the CIs of those groups are unknown.
   */
  readonly unavailable = new Map<string, string>();

  constructor(private readonly client: KubeClient) {}

  /** The resource for an apiVersion + kind, or undefined when the server does not serve it (yet). */
  async resolve(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResource | undefined> {
    const resources = await this.groupVersion(apiVersion, signal);
    return resources?.get(kind);
  }

  forget(apiVersion: string): void {
    this.byGroupVersion.delete(apiVersion);
  }

  /** Every listable resource the server serves, at each group's preferred version. */
  async all(signal?: AbortSignal): Promise<ApiResource[]> {
    const groups = await this.client.call({ method: 'GET', path: '/apis', signal });
    const versions = ['v1', ...((groups.body?.groups ?? []) as any[]).map((g) => String(g.preferredVersion?.groupVersion ?? '')).filter(Boolean)];
    const out: ApiResource[] = [];
    for (const gv of versions) {
      let map: Map<string, ApiResource> | undefined;
      try {
        map = await this.groupVersion(gv, signal);
      } catch (e) {
        if (isUnavailable(e)) continue; // recorded in `unavailable`; the rest of the API is still there
        throw e;
      }
      for (const r of map?.values() ?? []) if (r.verbs.includes('list')) out.push(r);
    }
    return out;
  }

  /**
   * What `helm template` renders for, as Argo CD's repo-server passes it: the
   * server's version (`/version` gitVersion, e.g. `v1.36.3`) and every API
   * version it serves — each group-version (`apps/v1`, every version of a group,
   * not only the preferred one) and each `group-version/Kind`
   * (`apps/v1/Deployment`), sorted. A group-version whose discovery document is
   * unavailable (503) keeps its group-version entry without kinds.
   *
   * @throws KubeApiError or a network error when the server does not answer `/version` or `/apis`
   */
  async capabilities(signal?: AbortSignal): Promise<{ kubeVersion: string; apiVersions: string[] }> {
    const version = await this.client.call({ method: 'GET', path: '/version', signal, attempts: 2 });
    const kubeVersion = String(version.body?.gitVersion ?? '');
    const core = await this.client.call({ method: 'GET', path: '/api', signal, attempts: 2 });
    const groups = await this.client.call({ method: 'GET', path: '/apis', signal, attempts: 2 });
    const versions = [
      ...((core.body?.versions ?? []) as unknown[]).map(String),
      ...((groups.body?.groups ?? []) as any[]).flatMap((g) => ((g.versions ?? []) as any[]).map((v) => String(v.groupVersion ?? ''))),
    ].filter(Boolean);
    const out = new Set<string>(versions);
    // in parallel: the client's connection pool bounds the requests in flight
    const maps = await Promise.all(
      versions.map((gv) =>
        this.groupVersion(gv, signal).catch((e: unknown) => {
          if (isUnavailable(e)) return undefined; // recorded in `unavailable`
          throw e;
        }),
      ),
    );
    versions.forEach((gv, i) => {
      for (const kind of maps[i]?.keys() ?? []) out.add(`${gv}/${kind}`);
    });
    return { kubeVersion, apiVersions: [...out].sort() };
  }

  private groupVersion(gv: string, signal?: AbortSignal): Promise<Map<string, ApiResource> | undefined> {
    let p = this.byGroupVersion.get(gv);
    if (!p) {
      p = this.fetchGroupVersion(gv, signal);
      this.byGroupVersion.set(gv, p);
      p.catch(() => this.byGroupVersion.delete(gv));
    }
    return p;
  }

  private async fetchGroupVersion(gv: string, signal?: AbortSignal): Promise<Map<string, ApiResource> | undefined> {
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    let body: any;
    try {
      body = (await this.client.call({ method: 'GET', path, signal, attempts: 2 })).body;
      this.unavailable.delete(gv);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) {
        this.byGroupVersion.delete(gv); // not served yet: ask again next time
        return undefined;
      }
      if (isUnavailable(e)) this.unavailable.set(gv, `${(e as KubeApiError).status} ${(e as KubeApiError).message}`);
      throw e;
    }
    const map = new Map<string, ApiResource>();
    for (const r of (body?.resources ?? []) as any[]) {
      if (typeof r.name !== 'string' || r.name.includes('/')) continue; // subresources
      map.set(String(r.kind), { groupVersion: gv, kind: String(r.kind), plural: r.name, namespaced: Boolean(r.namespaced), verbs: r.verbs ?? [] });
    }
    return map;
  }
}

/** A discovery answer that says "this API group is not available right now" (503 and other 5xx), not "the server is gone". */
export function isUnavailable(e: unknown): boolean {
  return e instanceof KubeApiError && e.status >= 500;
}

/** The collection path of a resource, optionally in a namespace. */
export function collectionPath(r: ApiResource, namespace?: string): string {
  const prefix = r.groupVersion.includes('/') ? `/apis/${r.groupVersion}` : `/api/${r.groupVersion}`;
  return r.namespaced && namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${prefix}/${r.plural}`;
}

export function objectPath(r: ApiResource, namespace: string | undefined, name: string): string {
  return `${collectionPath(r, r.namespaced ? (namespace ?? 'default') : undefined)}/${encodeURIComponent(name)}`;
}
