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
 * Accept header of aggregated discovery (KEP-3352; beta in Kubernetes 1.26, GA
 * in 1.30): `/api` and `/apis` answer with every group-version's resources in
 * one document each (an APIGroupDiscoveryList), as kubectl asks for them. A
 * server that does not serve it answers the legacy APIVersions / APIGroupList
 * (the last type offered), and plumb reads one document per group-version.
 */
const AGGREGATED = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/**
 * The API's discovery documents, read lazily and cached: the aggregated
 * documents (`/api`, `/apis`: every group-version in two requests) where the
 * server serves them, else `/api/v1`, `/apis` and one `/apis/GROUP/VERSION` per
 * group-version. A group-version the aggregated documents mark Stale (an
 * aggregated APIService that is not answering) is asked for on its own, so it
 * is recorded in {@link unavailable} as before. CRDs appear as soon as the
 * server serves them: a group-version not known yet is asked for on its own,
 * and `forget` drops a cached group-version after a CRD is applied.
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<Map<string, ApiResource> | undefined>>();
  /**
   * Group-versions whose discovery document the server could not give (an
   * aggregated APIService that is not ready answers 503), with the reason. kubectl
   * carries on without them; so does plumb: only the CIs of those groups are unknown.
   */
  readonly unavailable = new Map<string, string>();

  /** The first aggregated read of this Discovery (resolve's): undefined when the server does not serve aggregated discovery. */
  private firstAggregated?: Promise<Aggregated | undefined>;

  /** The read {@link prepare} started that no {@link all} has taken yet (it rejects as the read does). */
  private prepared?: Promise<Aggregated | undefined>;

  constructor(private readonly client: KubeClient) {}

  /** The resource for an apiVersion + kind, or undefined when the server does not serve it (yet). */
  async resolve(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResource | undefined> {
    if (!this.byGroupVersion.has(apiVersion)) {
      this.firstAggregated ??= this.readAggregated(signal).catch(() => undefined);
      await this.firstAggregated;
    }
    const resources = await this.groupVersion(apiVersion, signal);
    return resources?.get(kind);
  }

  /**
   * Reads the aggregated discovery documents in the background (see
   * Provider.prepare): the first {@link resolve} waits for this read instead
   * of starting its own, and the next {@link all} takes it as its own fresh
   * read — a plan's discover reads `/api` and `/apis` once, not twice.
   */
  prepare(signal?: AbortSignal): void {
    if (this.prepared) return;
    const read = this.readAggregated(signal);
    read.catch(() => undefined); // said by the call that takes it
    this.prepared = read;
    this.firstAggregated ??= read.catch(() => undefined);
  }

  /** Settles (never rejects) once the read {@link prepare} started has answered or failed; at once without one. */
  settled(): Promise<unknown> {
    return this.firstAggregated ?? Promise.resolve();
  }

  forget(apiVersion: string): void {
    this.byGroupVersion.delete(apiVersion);
    // a CRD was applied since prepare's read: the next all() reads afresh
    this.prepared = undefined;
  }

  /**
   * Every listable resource the server serves, at each group's preferred
   * version. Asked afresh on each call (a long-lived provider sees groups
   * installed since): two requests with aggregated discovery — none for the
   * first call after {@link prepare}, which takes the read prepare started
   * (made for this same operation, before it: the same documents).
   */
  async all(signal?: AbortSignal): Promise<ApiResource[]> {
    const read = this.prepared ?? this.readAggregated(signal);
    this.prepared = undefined;
    // a server that cannot answer it at all is asked the legacy way, which says what is wrong
    const aggregated = await read.catch((e: unknown) => {
      if (signal?.aborted) throw e;
      return undefined;
    });
    const versions = aggregated
      ? aggregated.preferred
      : ['v1', ...((await this.legacyGroups(signal)) as any[]).map((g) => String(g.preferredVersion?.groupVersion ?? '')).filter(Boolean)];
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

  /** The legacy `/apis` APIGroupList's groups (kept from the aggregated read's answer when the server gave that instead). */
  private async legacyGroups(signal?: AbortSignal): Promise<unknown[]> {
    const kept = this.legacyGroupList;
    this.legacyGroupList = undefined;
    const body = kept ?? (await this.client.call({ method: 'GET', path: '/apis', signal })).body;
    return (body?.groups ?? []) as unknown[];
  }

  private legacyGroupList?: any;

  /**
   * Reads `/api` and `/apis` asking for aggregated discovery and caches every
   * Current group-version's resources; undefined when the server answered the
   * legacy documents instead (`/apis`'s APIGroupList is kept for {@link all}).
   *
   * @throws KubeApiError or a network error when the server does not answer
   */
  private async readAggregated(signal?: AbortSignal): Promise<Aggregated | undefined> {
    const [core, groups] = await Promise.all(
      ['/api', '/apis'].map((path) => this.client.call({ method: 'GET', path, signal, accept: AGGREGATED, attempts: 2 })),
    );
    if (core.body?.kind !== 'APIGroupDiscoveryList' || groups.body?.kind !== 'APIGroupDiscoveryList') {
      if (groups.body?.kind === 'APIGroupList') this.legacyGroupList = groups.body;
      return undefined;
    }
    const preferred: string[] = [];
    for (const item of [...(core.body.items ?? []), ...(groups.body.items ?? [])] as any[]) {
      const group = String(item?.metadata?.name ?? '');
      ((item?.versions ?? []) as any[]).forEach((v, i) => {
        const gv = group ? `${group}/${v.version}` : String(v.version);
        // versions are listed in the server's order of preference
        if (i === 0) preferred.push(gv);
        // Stale: the APIService behind it did not answer; asked for on its own, its 503 is recorded in `unavailable`
        if (v.freshness === 'Stale') {
          this.byGroupVersion.delete(gv);
          return;
        }
        const map = new Map<string, ApiResource>();
        for (const r of (v.resources ?? []) as any[]) {
          const kind = r?.responseKind?.kind;
          if (typeof r?.resource !== 'string' || typeof kind !== 'string' || !kind) continue;
          map.set(kind, { groupVersion: gv, kind, plural: r.resource, namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [] });
        }
        this.byGroupVersion.set(gv, Promise.resolve(map));
        this.unavailable.delete(gv);
      });
    }
    return { preferred };
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

/** What an aggregated discovery read found besides the resources it cached. */
interface Aggregated {
  /** Each group's preferred group-version, the core `v1` first. */
  readonly preferred: readonly string[];
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
