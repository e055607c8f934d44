import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { mapConcurrent } from '../../concurrency/map-concurrent.js';
import type { CI } from '../../model/ci.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import { identityOf } from '../../model/identity.js';
import { identityKind } from '../../model/kubernetes-kinds.js';
import { CLUSTER_NAMESPACE, makeId } from '../../model/reference.js';
import type {
  ApplyAnswer,
  ApplyRequest,
  BackupAnswer,
  BackupArtifact,
  BackupRequest,
  CapabilitiesAnswer,
  CascadeAnswer,
  CascadeRequest,
  DiffAnswer,
  DiffRequest,
  DiscoverAnswer,
  DiscoverRequest,
  HealthAnswer,
  HealthRequest,
  ObservedObject,
  Provider,
  RestoreAnswer,
  RestoreRequest,
  WatchEvent,
} from '../contract.js';
import { LEGACY_OWNER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, observedOwnership, ownershipOf, withManagedLabel } from '../managed-label.js';
import { apiDiagnostic } from './api-errors.js';
import { collectionPath, Discovery, isUnavailable, objectPath, type ApiResource } from './discovery.js';
import { evaluateHealth, type HealthRule } from './health.js';
import { waitHealthy, watchRefusedWarning } from './health-wait.js';
import { PINNED_KUBERNETES_VERSION, SchemaSet } from '../../kubernetes-schema/schema-set.js';
import { checkObject } from '../../kubernetes-schema/check-object.js';
import { parsePointer } from '../../model/json-pointer.js';
import { normalizeDesiredSecret } from '../../redact/normalize-secret.js';
import { FIELD_MANAGER, soleOwnedFields } from './field-ownership.js';
import { KubeApiError, KubeClient, type ListsAhead } from './kube-client.js';
import { loadKubeConfig, type KubeConfigOptions } from './kube-config.js';
import { forRestore, stripServerFields } from './live-object.js';
import { sleep } from '../../concurrency/sleep.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { storedMismatches } from './verify-stored.js';
import { DryRunCache, type CachedDryRun } from './dry-run-cache.js';
import { defaultContentCache, type ContentCache } from '../../cache/content-cache.js';
import { canonicalJson } from '../../model/canonical-json.js';
import { holdsSecretData } from '../../redact/secret-pointers.js';
import { compareText } from '../../model/compare-text.js';

/** Target settings of a `kubernetes` target in plumb.yaml (and the CLI's --kubeconfig/--context). */
export interface KubernetesSettings extends KubeConfigOptions {
  /** Limit discovery to these namespaces (default: the namespaces of the desired CIs). */
  readonly namespaces?: readonly string[];
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Take over fields another field manager owns (`--force-conflicts`). */
  readonly forceConflicts?: boolean;
  /** Parallel API calls (default 16). */
  readonly concurrency?: number;
  /** List page size (default 500). */
  readonly pageSize?: number;
  readonly retry?: RetryPolicy;
  /** Health poll interval where a watch is refused or not served (default 500 ms; otherwise health is watched). */
  readonly pollMs?: number;
  /** plumb.yaml's per-kind health rules (CEL), compiled by the apply stage; before the built-in rules. */
  readonly healthRule?: HealthRule;
  /**
   * This inventory's ownership label value (`plumb.io/inventory`,
   * engine/providers/managed-label.ts); undefined: the managed-by label alone
   * marks what plumb owns.
   */
  readonly inventory?: string;
  /**
   * Where dry-run answers are kept between runs (engine/providers/kubernetes/dry-run-cache.ts):
   * default the process's content cache (`PLUMB_CACHE_DIR`…, off with
   * `PLUMB_CACHE=off`); `false`: every diff is a dry run.
   */
  readonly cache?: ContentCache | false;
}

const APPLY_PATCH = 'application/apply-patch+yaml';
type Obj = Record<string, any>;

/** Restore order: Namespaces, then CRDs, then the rest (docs/architecture.md). */
function restoreRank(kind: string): number {
  return kind === 'Namespace' ? 0 : kind === 'CustomResourceDefinition' ? 1 : 2;
}

/** The kind of a Kubernetes object as its identity names it: `Namespace` is the core one, `Namespace.example.com` a custom kind of that name. */
function kindOf(object: Obj | undefined): string | undefined {
  return typeof object?.kind === 'string' ? identityKind(String(object.apiVersion ?? ''), object.kind) : undefined;
}

/**
 * The `kubernetes` provider: discovery through the API's discovery documents,
 * paginated lists, diffs through a server-side-apply dry run with field manager
 * `plumb` (so defaults and admission are accounted for), server-side apply,
 * prune of plumb-labelled objects only, backup/restore of live objects, health
 * from status, and watch for drift.
 */
export class KubernetesProvider implements Provider {
  readonly name = 'kubernetes';
  readonly client: KubeClient;
  private readonly discovery: Discovery;
  private readonly concurrency: number;

  constructor(
    private readonly kc: KubeConfig,
    private readonly settings: KubernetesSettings = {},
  ) {
    this.concurrency = settings.concurrency ?? 16;
    this.client = new KubeClient(kc, settings.retry ?? DEFAULT_RETRY, this.concurrency);
    this.discovery = new Discovery(this.client);
    this.dryRunStore = settings.cache === false ? undefined : (settings.cache ?? defaultContentCache());
  }

  /** Where dry-run answers are kept between runs; undefined when caching is off. */
  private readonly dryRunStore?: ContentCache;
  /** The book of this run's cluster and identity (dry-run-cache.ts), opened once the cache basis is known. */
  private dryRunBook?: DryRunCache;
  /** Identity → `uid/resourceVersion` of every object a list of this provider saw. */
  private readonly liveVersions = new Map<string, string>();
  /** `groupVersion Kind namespace` of the lists that saw every object (no selector): an identity missing there is absent. */
  private readonly fullyListed = new Set<string>();

  /**
   * Starts what every discover begins with (see {@link Provider.prepare}): the
   * API discovery documents (and with the first request the credential and the
   * TLS context), and when dry-run answers are kept, their keys' basis (the
   * server's version, the cluster's uid, the admission configuration). Each is
   * the promise discover awaits, so it changes no answer and no error.
   */
  prepare(signal: AbortSignal): void {
    this.discovery.prepare(signal);
    if (this.dryRunStore) (this.cacheBasis ??= this.readCacheBasis(signal)).catch(() => undefined);
    this.askListsAhead(signal);
  }

  /** The lists {@link askListsAhead} asked for, which the next discover takes (and only it). */
  private listsAhead?: { readonly lists: ListsAhead; readonly sweep: ListsAhead; readonly record: ListsRecord };

  /**
   * Asks for the lists the last whole discover of this server, context and user made (their record, kept in
   * the content cache when caching is on) as soon as the API discovery documents have answered, as that discover made them — a step-1 pool and a sweep pool of
   * {@link concurrency} each: in the steady state the next discover makes the same requests, and takes these
   * answers instead of waiting for the repository's load and validation before asking (~80 requests a plan of
   * 500 objects waited ~55 ms for). A request is taken only by the very same request (path, query, Accept
   * header) of the next discover, which then stops the rest; what it does not take is not used. Nothing is
   * asked without a record (the first plan, or caching off).
   */
  private askListsAhead(signal: AbortSignal): void {
    if (!this.dryRunStore || this.listsAhead) return;
    const record = readListsRecord(this.dryRunStore.get<unknown>(LISTS_NAMESPACE, this.listsRecordKey()));
    if (!record) return;
    // after the discovery documents: every list waits for them anyway, and ~80 lists asked beside them made the
    // server answer them later (by ~45 ms on a loaded machine)
    const discovered = this.discovery.settled();
    this.listsAhead = {
      lists: this.client.askAhead(record.lists, this.concurrency, signal, discovered),
      sweep: this.client.askAhead(record.sweep, this.concurrency, signal, discovered),
      record,
    };
  }

  /** Where a server's list record is kept: per API server, kubeconfig context and user (another one lists other things). */
  private listsRecordKey(): string {
    return [this.client.server.href, this.kc.getCurrentContext(), this.kc.getCurrentUser()?.name ?? ''].join('\u0000');
  }

  async discover(req: DiscoverRequest, signal: AbortSignal): Promise<DiscoverAnswer> {
    const diagnostics: Diagnostic[] = [];
    const observed = new Map<string, ObservedObject>();
    const desiredNamespaces = new Set(req.desired.filter((c) => c.namespace !== '_cluster').map((c) => c.namespace));
    const declared = new Set(req.desired.map((c) => c.id));
    const namespaces = this.settings.namespaces ?? req.selector?.namespaces ?? [...desiredNamespaces];
    const whole = !req.withStatus && !req.desiredOnly;
    // the lists prepare asked for are this discover's to take, if it is a whole one, and nobody's after it
    const ahead = this.listsAhead;
    this.listsAhead = undefined;
    const made: ListsRecord | undefined = whole && this.dryRunStore ? { lists: [], sweep: [] } : undefined;
    const step1: ListVia = whole ? { ahead: ahead?.lists, made: made?.lists } : {};
    const sweepVia: ListVia = { ahead: ahead?.sweep, made: made?.sweep };
    const endAhead = () => {
      ahead?.lists.stop();
      ahead?.sweep.stop();
    };
    // a plan's dry runs need the cache keys' basis (server version, cluster, admission configuration: five
    // round trips one after another); read meanwhile, not after the lists
    if (whole && this.dryRunStore) this.cacheBasis ??= this.readCacheBasis(signal);

    // 1. every resource type the desired state uses: all objects (unmanaged ones are listed too)
    const wanted = new Map<string, { apiVersion: string; kind: string; ids: string[] }>();
    for (const ci of req.desired) {
      const key = `${ci.apiVersion} ${ci.kind}`;
      const w = wanted.get(key) ?? { apiVersion: ci.apiVersion, kind: ci.kind, ids: [] };
      w.ids.push(ci.id);
      wanted.set(key, w);
    }
    const resources: ApiResource[] = [];
    const unknown: string[] = [];
    for (const w of wanted.values()) {
      try {
        const r = await this.discovery.resolve(w.apiVersion, w.kind, signal);
        if (r) resources.push(r);
        else if (!this.definedByDesiredCrd(w, req.desired)) {
          diagnostics.push({
            severity: 'warning',
            code: 'kubernetes.unknown-kind',
            ci: w.ids[0],
            message: `the API server does not serve ${w.kind} in ${w.apiVersion}; ${w.ids.length} CI(s) will be created from scratch`,
            hint: 'install its CustomResourceDefinition first, or check the apiVersion',
          });
        }
      } catch (e) {
        if (!isUnavailable(e)) diagnostics.push(apiDiagnostic(e, { verb: 'discover', id: w.ids[0] }));
        else {
          // one unready aggregated API (a metrics-server starting): its CIs are unknown, the rest is planned
          unknown.push(...w.ids);
          diagnostics.push(unavailableGroup(w.apiVersion, this.discovery.unavailable.get(w.apiVersion), w.ids));
        }
      }
    }
    const labelSelector = [this.settings.labelSelector, ...Object.entries(req.selector?.labels ?? {}).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(',');
    const jobs = resources.flatMap((r) => listJobs(r, namespaces));
    // what step 1 lists whole, the sweep does not list again; a list narrowed by the target's label selector saw
    // only part of what plumb owns there (the sweep reads by the managed-by label alone), so it counts for nothing
    const listed = new Set(labelSelector ? [] : jobs.map(({ r, ns }) => `${r.groupVersion} ${r.kind} ${ns ?? ''}`));
    const listDiagnostics: Diagnostic[] = [];
    const listing = mapConcurrent(jobs, this.concurrency, async ({ r, ns }) => {
      const res = await this.list(r, ns, labelSelector, signal, declared, req.withStatus === true, '', step1);
      if ('error' in res) listDiagnostics.push(res.error);
      else for (const o of res.items) observed.set(o.id, o);
    });
    // health monitoring reads the desired objects' status only: no sweep for unmanaged objects
    // and apply's freshness check reads only what the plan changes
    if (!whole) {
      endAhead();
      await listing;
      diagnostics.push(...listDiagnostics);
      return {
        observed: [...observed.values()].sort((a, b) => compareText(a.id, b.id)),
        diagnostics: distinct(diagnostics),
        ...(unknown.length ? { unknown } : {}),
      };
    }

    // 2. the orphan sweep: what this inventory owns, of any type, wherever it is — at the same time as step 1
    // (they share the client's connections); what step 1 saw of an object wins
    const sweeping = (async () => {
      const sweepDiagnostics: Diagnostic[] = [];
      let all: ApiResource[] = [];
      try {
        all = await this.discovery.all(signal);
      } catch (e) {
        sweepDiagnostics.push(apiDiagnostic(e, { verb: 'discover' }));
      }
      for (const [gv, reason] of this.discovery.unavailable) {
        if (!unknown.length || !wantedGroupVersion(wanted, gv)) sweepDiagnostics.push(unavailableGroup(gv, reason, []));
      }
      const swept = await this.sweepOwned(all, listed, declared, signal, sweepVia);
      return { items: swept.items, diagnostics: [...sweepDiagnostics, ...swept.diagnostics] };
    })();
    const [, swept] = await Promise.all([listing, sweeping]).finally(endAhead);
    if (made) this.keepListsRecord(made, ahead?.record);
    diagnostics.push(...listDiagnostics, ...swept.diagnostics);
    for (const o of swept.items) if (!observed.has(o.id)) observed.set(o.id, o);
    return {
      observed: [...observed.values()].sort((a, b) => compareText(a.id, b.id)),
      diagnostics: distinct(diagnostics),
      ...(unknown.length ? { unknown } : {}),
    };
  }

  /**
   * Finds every object plumb made (label `plumb.io/managed-by=plumb`) of every
   * listable type, by label selector: cluster-wide, so an object this
   * inventory owns is seen wherever it is — also in a namespace where Git no
   * longer declares anything. With `namespaces` set in the target, exactly
   * those namespaces. Where a cluster-wide list is forbidden, each namespace
   * is tried on its own, and a namespace that cannot be listed is a warning
   * naming it (`kubernetes.orphans-hidden`): what plumb owns there stays
   * unseen. Objects another inventory owns are dropped (they are not this
   * plan's business); legacy ones are kept, as unmanaged with their owner.
   */
  private async sweepOwned(
    all: readonly ApiResource[],
    listed: ReadonlySet<string>,
    declared: ReadonlySet<string>,
    signal: AbortSignal,
    via: ListVia = {},
  ): Promise<{ items: ObservedObject[]; diagnostics: Diagnostic[] }> {
    const selector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
    const types = all.filter((r) => !['Event', 'Lease', 'EndpointSlice', 'Endpoints', 'ComponentStatus'].includes(r.kind));
    const items: ObservedObject[] = [];
    // where (a phrase: `in namespace "x"`) → the plurals that could not be listed there, and the first failure's message
    const hidden = new Map<string, { plurals: Set<string>; reason?: string }>();
    const hide = (where: string, plural: string, error?: Diagnostic) => {
      const entry = hidden.get(where) ?? { plurals: new Set<string>() };
      entry.plurals.add(plural);
      if (error && error.code !== 'kubernetes.forbidden' && entry.reason === undefined) entry.reason = error.message;
      hidden.set(where, entry);
    };
    const keep = (list: readonly ObservedObject[]) => {
      for (const o of list) if (o.managedByPlumb || o.owner === LEGACY_OWNER) items.push(o);
    };
    let namespaces: readonly string[] | undefined = this.settings.namespaces;
    const perNamespace: ApiResource[] = [];
    // the namespaces each type was listed in whole: the sweep's list of that type leaves them out (a field selector
    // every resource serves), so a steady-state plan does not read every managed object a second time
    const listedIn = new Map<string, string[]>();
    for (const key of listed) {
      const [gv, kind, ns] = key.split(' ');
      if (ns) listedIn.set(`${gv} ${kind}`, [...(listedIn.get(`${gv} ${kind}`) ?? []), ns]);
    }
    await mapConcurrent(types, this.concurrency, async (r) => {
      if (namespaces && r.namespaced) {
        perNamespace.push(r);
        return;
      }
      if (listed.has(`${r.groupVersion} ${r.kind} `)) return;
      const seen = r.namespaced ? (listedIn.get(`${r.groupVersion} ${r.kind}`) ?? []) : [];
      const elsewhere = seen.length > 0 && seen.length <= SWEEP_EXCLUDES_AT_MOST ? seen.map((ns) => `metadata.namespace!=${ns}`).join(',') : '';
      let res = await this.list(r, undefined, selector, signal, declared, false, elsewhere, via);
      // a server that refuses the field selector (an aggregated API may serve fewer field selectors): the whole list again
      if ('error' in res && elsewhere && res.error.code !== 'kubernetes.forbidden')
        res = await this.list(r, undefined, selector, signal, declared, false, '', via);
      if (!('error' in res)) keep(res.items);
      else if (r.namespaced && res.error.code === 'kubernetes.forbidden') perNamespace.push(r);
      // a cluster-scoped type RBAC does not let plumb list stays as quiet as before (a namespace-bound controller
      // would carry that warning on every plan); a list the API server failed is said
      else if (res.error.code !== 'kubernetes.forbidden') hide(r.namespaced ? 'in any namespace' : 'cluster-wide', r.plural, res.error);
    });
    if (perNamespace.length > 0 && !namespaces) {
      // forbidden cluster-wide: every namespace there is, one by one
      try {
        const res = await this.client.call({ method: 'GET', path: '/api/v1/namespaces', signal });
        namespaces = ((res.body?.items ?? []) as Obj[]).map((n) => String(n.metadata?.name));
      } catch {
        namespaces = [];
        for (const r of perNamespace) hide('in any namespace (the namespaces cannot be listed)', r.plural);
      }
    }
    const jobs = perNamespace
      .flatMap((r) => (namespaces ?? []).map((ns) => ({ r, ns })))
      .filter(({ r, ns }) => !listed.has(`${r.groupVersion} ${r.kind} ${ns}`));
    await mapConcurrent(jobs, this.concurrency, async ({ r, ns }) => {
      const res = await this.list(r, ns, selector, signal, declared, false, '', via);
      if (!('error' in res)) keep(res.items);
      else hide(`in namespace ${ns}`, r.plural, res.error);
    });
    // every list that failed, whatever the reason (forbidden, a 500, a timeout): an orphan there would be neither pruned nor reported
    const diagnostics: Diagnostic[] = [...hidden]
      .sort(([a], [b]) => compareText(a, b))
      .map(([where, { plurals, reason }]) => ({
        severity: 'warning',
        code: 'kubernetes.orphans-hidden',
        message: `cannot list ${[...plurals].sort().slice(0, 5).join(', ')}${plurals.size > 5 ? ` and ${plurals.size - 5} more` : ''} ${where}${reason ? ` (${reason})` : ''}: objects this inventory owns there are not seen, so they can be neither pruned nor reported`,
        hint: reason
          ? 'the API server failed the list: see the reason, and plan again once it answers'
          : 'grant list on those resources in that namespace, or limit the target with `namespaces:` in plumb.yaml',
      }));
    return { items, diagnostics };
  }

  /**
   * What deleting a Namespace or a CustomResourceDefinition removes with it:
   * every object of every listable namespaced type in the namespace (Events
   * aside), every custom resource the CRD serves, in any namespace. Objects
   * are returned whatever their labels — the API server deletes them all.
   * A type that cannot be listed is an error diagnostic: a cascade that cannot
   * be seen whole cannot be planned.
   */
  async cascade(req: CascadeRequest, signal: AbortSignal): Promise<CascadeAnswer> {
    const diagnostics: Diagnostic[] = [];
    const cascades = new Map<string, ObservedObject[]>();
    let all: ApiResource[] = [];
    try {
      all = await this.discovery.all(signal);
    } catch (e) {
      return { cascades, diagnostics: [apiDiagnostic(e, { verb: 'discover' })] };
    }
    const jobs: { parent: string; r: ApiResource; ns?: string }[] = [];
    for (const id of req.ids) {
      const { kind, name } = parseId(id);
      if (kind === 'namespace') {
        for (const r of all) if (r.namespaced && !['Event', 'Lease', 'EndpointSlice', 'Endpoints'].includes(r.kind)) jobs.push({ parent: id, r, ns: name });
      } else if (kind === 'customresourcedefinition') {
        const live = await this.read(id, undefined, signal).catch(() => undefined);
        const spec = live?.object?.spec as Obj | undefined;
        if (!spec) continue;
        for (const v of (spec.versions ?? []) as Obj[]) {
          if (!v.served) continue;
          const r = await this.discovery.resolve(`${spec.group}/${v.name}`, String(spec.names?.kind), signal).catch(() => undefined);
          if (r) {
            jobs.push({ parent: id, r });
            break;
          }
        }
      }
    }
    await mapConcurrent(jobs, this.concurrency, async ({ parent, r, ns }) => {
      const res = await this.list(r, ns, '', signal);
      if ('error' in res) {
        diagnostics.push({ ...res.error, message: `cannot list what deleting ${parent} removes: ${res.error.message}` });
        return;
      }
      const list = cascades.get(parent) ?? [];
      list.push(...res.items);
      cascades.set(parent, list);
    });
    for (const list of cascades.values()) list.sort((a, b) => compareText(a.id, b.id));
    return { cascades, diagnostics };
  }

  private readonly pinnedSchemas = new SchemaSet();
  private openApiPaths?: Promise<Record<string, { serverRelativeURL?: string }>>;
  private readonly serverSchemas = new Map<string, Promise<SchemaSet | undefined>>();

  /**
   * Type problems of a desired object against the API server's own OpenAPI v3
   * document of its group-version:
   * - a kind the pinned Kubernetes schemas do not know (a custom resource whose
   *   CRD is on the server): every problem, as `plumb validate` checks the
   *   built-in kinds offline;
   * - a built-in kind, when the server runs another minor version than the
   *   pinned v1.36 (version skew: a field added, removed or retyped since):
   *   the problems the server's schema finds that the pinned one does not (those
   *   `plumb validate` reported already). A server of the pinned minor is not
   *   asked (its schemas are the pinned ones; Kubernetes changes no API
   *   schema in a patch release).
   * Each is an error on the CI with its field path (the plan places it at its
   * line), and the dry run is not attempted. A server without /openapi/v3 or
   * /version, or one that does not answer them: no problems (the dry run still
   * checks). Documents are read once per group-version.
   */
  private async serverTypeProblems(ci: CI, signal: AbortSignal): Promise<Diagnostic[]> {
    if (!ci.kubernetes) return [];
    const pinned = this.pinnedSchemas.schemaOf(ci.apiVersion, ci.kind);
    let skew: string | undefined;
    if (pinned) {
      const minor = /^v?(\d+\.\d+)\./.exec((await this.gitVersion(signal)) ?? '')?.[1];
      if (!minor || minor === /^v(\d+\.\d+)\./.exec(PINNED_KUBERNETES_VERSION)?.[1]) return [];
      skew = minor;
    }
    const schema = (await this.serverSchemaSet(ci.apiVersion, signal))?.schemaOf(ci.apiVersion, ci.kind);
    if (!schema) return [];
    let problems = checkObject(ci.object, schema.root, schema.defs);
    if (pinned) {
      const offline = new Set(checkObject(ci.object, pinned.root, pinned.defs).map((p) => `${p.code} ${p.pointer} ${p.message}`));
      problems = problems.filter((p) => !offline.has(`${p.code} ${p.pointer} ${p.message}`));
    }
    const source = skew ? `the API server's schema, Kubernetes ${skew}; plumb validate checks ${PINNED_KUBERNETES_VERSION}` : "the API server's schema";
    return problems.map((p) => ({
      severity: 'error' as const,
      code: p.code,
      ci: ci.id,
      fields: [fieldPathOf(ci.object, p.pointer)],
      message: `${ci.kind} ${p.message} (${source})`,
      hint: p.hint,
    }));
  }

  /** The schemas of one group-version as the server serves them (over the pinned ones), or undefined when it does not. */
  private serverSchemaSet(gv: string, signal: AbortSignal): Promise<SchemaSet | undefined> {
    let set = this.serverSchemas.get(gv);
    if (!set) {
      set = (async () => {
        this.openApiPaths ??= this.client.call({ method: 'GET', path: '/openapi/v3', signal, attempts: 2 }).then(
          (r) => r.body?.paths ?? {},
          () => ({}),
        );
        const url = (await this.openApiPaths)[gv.includes('/') ? `apis/${gv}` : `api/${gv}`]?.serverRelativeURL;
        if (!url) return undefined;
        const doc = await this.client.call({ method: 'GET', path: url, signal, attempts: 2 }).then(
          (r) => r.body,
          () => undefined,
        );
        if (!doc) return undefined;
        const schemas = new SchemaSet();
        schemas.addOpenApiDocument(doc);
        return schemas;
      })();
      this.serverSchemas.set(gv, set);
    }
    return set;
  }

  private definedByDesiredCrd(w: { apiVersion: string; kind: string }, desired: readonly CI[]): boolean {
    const group = w.apiVersion.split('/')[0];
    return desired.some(
      (c) => c.kind === 'CustomResourceDefinition' && (c.object as Obj).spec?.group === group && (c.object as Obj).spec?.names?.kind === w.kind,
    );
  }

  /**
   * Lists one resource in one namespace (or cluster-wide), following `continue` tokens; `via`: its first page
   * taken from those asked ahead when it was, and its request recorded in `made`.
   */
  private async list(
    r: ApiResource,
    ns: string | undefined,
    labelSelector: string,
    signal: AbortSignal,
    declared: ReadonlySet<string> = new Set(),
    keepStatus = false,
    fieldSelector = '',
    via: ListVia = {},
  ): Promise<{ items: ObservedObject[] } | { error: Diagnostic }> {
    const items: ObservedObject[] = [];
    const fields = [this.settings.fieldSelector, fieldSelector].filter(Boolean).join(',');
    const q = new URLSearchParams({ limit: String(this.settings.pageSize ?? 500) });
    if (labelSelector) q.set('labelSelector', labelSelector);
    if (fields) q.set('fieldSelector', fields);
    const path = collectionPath(r, ns);
    via.made?.push(`${path}?${q}`);
    try {
      await this.client.listPages(path, q, { signal, ahead: via.ahead }, (page: Obj[], restarted) => {
        if (restarted) items.length = 0;
        for (const item of page) {
          const o = stripServerFields({ apiVersion: r.groupVersion, kind: r.kind, ...item });
          if (keepStatus && item.status !== undefined) o.status = item.status;
          // the server knows the scope (CRDs included); identityOf alone cannot for custom kinds
          const id = makeId(
            identityKind(r.groupVersion, r.kind),
            r.namespaced ? String(o.metadata?.namespace ?? 'default') : CLUSTER_NAMESPACE,
            String(o.metadata?.name),
          );
          const owned = soleOwnedFields(item);
          if (item.metadata?.resourceVersion) this.liveVersions.set(id, `${item.metadata.uid ?? ''}/${item.metadata.resourceVersion}`);
          items.push({ id, object: o, ...observedOwnership(o, this.settings.inventory, declared.has(id)), ...(owned.length ? { owned } : {}) });
        }
      });
    } catch (e) {
      return { error: apiDiagnostic(e, { verb: 'list', resource: r, namespace: ns }) };
    }
    if (!labelSelector && !this.settings.fieldSelector) this.fullyListed.add(`${r.groupVersion} ${r.kind} ${r.namespaced ? (ns ?? '*') : ''}`);
    return { items };
  }

  /**
   * The served resource of an object. A CRD applied a moment ago takes a little
   * while to be served: ask discovery again a few times before giving up.
   */
  private async resourceFor(o: Obj, signal?: AbortSignal): Promise<ApiResource | undefined> {
    const apiVersion = String(o.apiVersion);
    let r = await this.discovery.resolve(apiVersion, String(o.kind), signal);
    for (let i = 0; !r && i < 3 && this.recentCrdGroups.has(apiVersion.split('/')[0]); i++) {
      await sleep(300, signal);
      this.discovery.forget(apiVersion);
      r = await this.discovery.resolve(apiVersion, String(o.kind), signal);
    }
    return r;
  }

  /** API groups of CRDs this provider applied, whose kinds may not be served yet. */
  private readonly recentCrdGroups = new Set<string>();

  /** Server-side apply of `object` (dry run or for real); returns the object as the server would store it. */
  private async serverSideApply(object: Obj, opts: { dryRun: boolean; force: boolean }, signal: AbortSignal): Promise<Obj> {
    const r = await this.resourceFor(object, signal);
    if (!r) throw new KubeApiError(404, 'NotFound', `the server does not serve ${object.kind} in ${object.apiVersion}`);
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    if (opts.force) q.set('force', 'true');
    if (opts.dryRun) q.set('dryRun', 'All');
    const ns = object.metadata?.namespace ?? 'default';
    const res = await this.client
      .call({ method: 'PATCH', path: `${objectPath(r, ns, object.metadata.name)}?${q}`, body: object, contentType: APPLY_PATCH, signal })
      .catch((e: unknown) => {
        if (e instanceof KubeApiError) e.resource = r;
        throw e;
      });
    if (kindOf(object) === 'Namespace' && !opts.dryRun) this.namespaces.delete(String(object.metadata.name));
    if (kindOf(object) === 'CustomResourceDefinition' && !opts.dryRun) {
      const spec = object.spec ?? {};
      this.recentCrdGroups.add(String(spec.group));
      for (const v of spec.versions ?? []) this.discovery.forget(`${spec.group}/${v.name}`);
    }
    return res.body;
  }

  /**
   * The projection of the desired object: a server-side-apply dry run. A field
   * another manager owns makes the plain dry run fail with a conflict; the diff
   * still has to show what Git wants, so plumb asks again with force (still a
   * dry run) and warns that the apply will need --force-conflicts.
   */
  async diff(req: DiffRequest, signal: AbortSignal): Promise<DiffAnswer> {
    const desired = applied(req.desired.object as Obj, this.settings.inventory);
    const force = Boolean(this.settings.forceConflicts);
    // the steady state: neither side changed since the last dry run of this object, so its answer stands
    const entry = await this.dryRunEntry(req, desired, force, signal).catch(() => undefined);
    if (entry) {
      const hit = await entry.cache.get(entry.key);
      const answer = hit && fromCached(hit, req);
      if (answer) return answer;
    }
    const answer = await this.dryRunDiff(req, desired, force, signal);
    if (entry) {
      const kept = toCached(answer, req);
      if (kept) await entry.cache.put(entry.key, kept);
    }
    return answer;
  }

  /** Version, cluster and admission basis of every cache key of this provider's run; undefined: no caching this run. */
  private cacheBasis?: Promise<{ version: string; cluster: string; admission: string; identity: string } | undefined>;
  private crdVersions?: Promise<Map<string, string> | undefined>;
  private serverVersion?: Promise<string | undefined>;

  /** The server's gitVersion (`/version`), asked once; undefined when it does not answer. */
  private gitVersion(signal: AbortSignal): Promise<string | undefined> {
    this.serverVersion ??= this.client.call({ method: 'GET', path: '/version', signal, attempts: 2 }).then(
      (r) => (typeof r.body?.gitVersion === 'string' ? r.body.gitVersion : undefined),
      () => undefined,
    );
    return this.serverVersion;
  }

  /**
   * Where and under which key a dry-run answer of `req` is kept; undefined when
   * it cannot be cached safely. The key holds everything the answer depends on
   * that plumb can see: the desired document as sent (labels included), the
   * live object's uid and resourceVersion (or its absence, from a list that saw
   * every object of its type there, and its namespace's uid), the server's
   * version, the cluster (kube-system's uid) and server URL, the kubeconfig
   * user, the field manager and force, the admission configuration (every
   * webhook configuration and admission policy, by uid and resourceVersion),
   * and for a custom resource its CRD's resourceVersion (schema, defaults,
   * pruning); plumb's version and the entry format. What it cannot see is
   * docs/kubernetes.md's residual risk: a webhook server whose code changes
   * behind an unchanged configuration, and admission that reads other objects
   * than the Namespace (a LimitRange, a quota).
   */
  private async dryRunEntry(req: DiffRequest, desired: Obj, force: boolean, signal: AbortSignal): Promise<{ cache: DryRunCache; key: string } | undefined> {
    if (!this.dryRunStore) return undefined;
    const ci = req.desired;
    let live: string;
    if (req.observed) {
      const v = this.liveVersions.get(ci.id);
      if (!v) return undefined;
      live = v;
    } else {
      const r = await this.resourceFor(desired, signal);
      if (!r) return undefined;
      const ns = r.namespaced ? ci.namespace : undefined;
      if (!this.fullyListed.has(`${r.groupVersion} ${r.kind} ${ns ?? ''}`) && !(ns && this.fullyListed.has(`${r.groupVersion} ${r.kind} *`))) return undefined;
      live = 'absent';
    }
    // the Namespace as it is now (uid and resourceVersion): built-in admission reads it — Pod Security's
    // `pod-security.kubernetes.io/*` labels decide whether a Pod or a workload may be written at all — so a label
    // put on it since the answer must ask the server again (a namespace relabelled `enforce=restricted` made a kept
    // answer approve a privileged Pod the server now refuses)
    if (ci.namespace !== CLUSTER_NAMESPACE) {
      const namespace = await this.namespaceVersion(ci.namespace, signal);
      if (!namespace) return undefined; // gone (nothing to dry-run into) or unreadable
      live += ` in ${namespace}`;
    }
    this.cacheBasis ??= this.readCacheBasis(signal);
    const basis = await this.cacheBasis;
    if (!basis) return undefined;
    let crd = '';
    if (!this.pinnedSchemas.schemaOf(ci.apiVersion, ci.kind)) {
      // a custom resource: its CRD's schema, defaults and pruning shape the answer
      const r = await this.resourceFor(desired, signal);
      this.crdVersions ??= this.listCrdVersions(signal);
      const versions = await this.crdVersions;
      const v = r && versions?.get(`${r.plural}.${String(desired.apiVersion).split('/')[0]}`);
      if (!v) return undefined; // an aggregated API, or a CRD not there yet: no key can see its changes
      crd = v;
    }
    // who asks: the identity the API server sees (readCacheBasis), not the kubeconfig's user entry — admission
    // and RBAC answer that identity, and one entry may stand for many (an exec plugin picking AWS_PROFILE, a
    // certificate rotated behind a path, an in-cluster token path); it goes into HMAC'd keys only
    const user = basis.identity;
    // one book per API server, cluster, version and user: the answers a plan of this cluster asks for
    const cache = (this.dryRunBook ??= new DryRunCache(this.dryRunStore, undefined, [this.client.server.href, basis.cluster, basis.version, user]));
    const key = await cache.keyOf([
      this.client.server.href,
      basis.cluster,
      basis.version,
      user,
      FIELD_MANAGER,
      String(force),
      basis.admission,
      crd,
      ci.id,
      live,
      // the bytes the dry run sends (the client's JSON.stringify of the same object): what the answer depends on,
      // exactly — a canonical form would give key-reordered documents one key, at ~15× the CPU (~8 ms a plan of 500)
      JSON.stringify(desired),
    ]);
    return key ? { cache, key } : undefined;
  }

  /**
   * The parts of every key that one run reads once: the server's version, the
   * cluster's identity, the admission configuration. An admission configuration
   * plumb may not read (RBAC) means no caching: a webhook changed unseen would
   * make a kept answer wrong.
   */
  private async readCacheBasis(signal: AbortSignal): Promise<{ version: string; cluster: string; admission: string; identity: string } | undefined> {
    // asked beside the version, the cluster and the admission lists (prepare starts this with discovery), so the
    // steady-state plan waits for no extra round trip
    const who = this.identity(signal);
    who.catch(() => undefined);
    const version = await this.gitVersion(signal);
    if (!version) return undefined;
    const cluster = await this.client
      .call({ method: 'GET', path: '/api/v1/namespaces/kube-system', signal, accept: METADATA_OBJECT })
      .then((r) => String(r.body?.metadata?.uid ?? ''))
      .catch(() => '');
    const admission = await this.admissionFingerprint(signal);
    const identity = await who;
    return admission === undefined || identity === undefined ? undefined : { version, cluster, admission, identity };
  }

  /**
   * Who the API server says this client is, for the dry-run book's key: a `SelfSubjectReview`
   * (authentication.k8s.io/v1, one request per run) answers the username, uid, groups and extra every
   * authorizer and admission webhook sees, whatever produced the credential — so two kubeconfig users that are
   * one identity share answers, and one exec entry that yields two identities (`AWS_PROFILE=reader`) does not.
   * Where the review is not served (before Kubernetes 1.28, or turned off) or not allowed, the credential the
   * requests carry stands in (token, client certificate and key, impersonation): a rotated token is then a
   * miss, never another identity's answer. Undefined when neither can be had: no caching.
   */
  private async identity(signal: AbortSignal): Promise<string | undefined> {
    try {
      const r = await this.client.call({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        signal,
        attempts: 2,
      });
      const u = r.body?.status?.userInfo as Obj | undefined;
      if (u && typeof u.username === 'string') {
        const extra = Object.fromEntries(
          Object.entries((u.extra ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).sort() : []]),
        );
        const groups = Array.isArray(u.groups) ? u.groups.map(String).sort() : [];
        return `identity ${canonicalJson({ username: u.username, uid: String(u.uid ?? ''), groups, extra })}`;
      }
    } catch (e) {
      if (signal.aborted) return undefined;
      if (!(e instanceof KubeApiError)) return undefined; // the server or the credential failed: discovery says so
    }
    try {
      return `credential ${await this.client.requestCredential()}`;
    } catch {
      return undefined;
    }
  }

  /**
   * Every object of the admissionregistration.k8s.io group (webhook
   * configurations, validating and mutating admission policies and their
   * bindings), at every version the server serves, as sorted
   * `plural name uid resourceVersion` lines; undefined when any cannot be listed.
   */
  private async admissionFingerprint(signal: AbortSignal): Promise<string | undefined> {
    const group = 'admissionregistration.k8s.io';
    try {
      const g = await this.client.call({ method: 'GET', path: `/apis/${group}`, signal, attempts: 2 });
      const versions = ((g.body?.versions ?? []) as Obj[]).map((v) => String(v.groupVersion));
      const seen = new Set<string>();
      const lines: string[] = [];
      for (const gv of versions) {
        const d = await this.client.call({ method: 'GET', path: `/apis/${gv}`, signal, attempts: 2 });
        const plurals = ((d.body?.resources ?? []) as Obj[])
          .filter((r) => typeof r.name === 'string' && !r.name.includes('/') && (r.verbs ?? []).includes('list'))
          .map((r) => String(r.name));
        await mapConcurrent(
          plurals.filter((p) => !seen.has(p)),
          this.concurrency,
          async (plural) => {
            seen.add(plural);
            const res = await this.client.call({ method: 'GET', path: `/apis/${gv}/${plural}`, signal, accept: METADATA_LIST });
            for (const item of (res.body?.items ?? []) as Obj[])
              lines.push(`${plural} ${item.metadata?.name} ${item.metadata?.uid} ${item.metadata?.resourceVersion}`);
          },
        );
      }
      return lines.sort().join('\n');
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return ''; // no admission registration API at all
      return undefined;
    }
  }

  /** CRD name → resourceVersion, from one metadata-only list; undefined when CRDs cannot be listed. */
  private async listCrdVersions(signal: AbortSignal): Promise<Map<string, string> | undefined> {
    try {
      const map = new Map<string, string>();
      await this.client.listPages(
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        new URLSearchParams({ limit: '500' }),
        { signal, accept: METADATA_LIST },
        (page: Obj[], restarted) => {
          if (restarted) map.clear();
          for (const item of page) map.set(String(item.metadata?.name), `${item.metadata?.uid}/${item.metadata?.resourceVersion}`);
        },
      );
      return map;
    } catch {
      return undefined;
    }
  }

  /** The dry run itself (see {@link diff}). */
  private async dryRunDiff(req: DiffRequest, desired: Obj, force: boolean, signal: AbortSignal): Promise<DiffAnswer> {
    // a namespace the plan creates: nothing to project yet, and the API server
    // takes ~50 ms to refuse each dry run into a namespace that does not exist
    if (req.desired.namespace !== CLUSTER_NAMESPACE && !(await this.namespaceMayExist(req.desired.namespace, signal))) return { diagnostics: [] };
    // a custom resource the server's own schema refuses: said at its field, no dry run
    const problems = await this.serverTypeProblems(req.desired, signal);
    if (problems.length) return { diagnostics: problems };
    try {
      const projected = await this.serverSideApply(desired, { dryRun: true, force }, signal);
      return { projected: stripServerFields(projected), diagnostics: [] };
    } catch (e) {
      // its namespace or CRD is created earlier in the same plan (the usual first apply):
      // nothing to project yet, so the plan compares against the desired document
      if (e instanceof KubeApiError && e.status === 404) return { diagnostics: [] };
      const immutable = immutableFields(e);
      if (immutable) return { replace: immutable, diagnostics: [] };
      const diagnostic = apiDiagnostic(e, { verb: 'patch', id: req.desired.id, namespace: req.desired.namespace });
      if (diagnostic.code !== 'kubernetes.conflict' || force) return { diagnostics: [diagnostic] };
      try {
        const projected = await this.serverSideApply(desired, { dryRun: true, force: true }, signal);
        return {
          projected: stripServerFields(projected),
          diagnostics: [{ ...diagnostic, severity: 'warning', hint: 'apply with --force-conflicts to take these fields over' }],
        };
      } catch (again) {
        return { diagnostics: [apiDiagnostic(again, { verb: 'patch', id: req.desired.id, namespace: req.desired.namespace })] };
      }
    }
  }

  async apply(req: ApplyRequest, signal: AbortSignal): Promise<ApplyAnswer> {
    const { change } = req;
    try {
      if (change.action === 'delete') return await this.delete(change.id, req.dryRun, signal);
      if (change.action === 'noop') return { ok: true, diagnostics: [] };
      if (change.action === 'replace' && req.desired) {
        await this.deleteForReplace(req.desired as Obj, req.dryRun, signal);
        // a dry run cannot create what it only pretended to delete: the delete's dry run is the rehearsal
        if (req.dryRun) return { ok: true, diagnostics: [] };
      }
      if (!req.desired)
        return {
          ok: false,
          diagnostics: [{ severity: 'error', code: 'kubernetes.no-desired', ci: change.id, message: `no desired document for ${change.id}` }],
        };
      const asked = applied(req.desired as Obj, this.settings.inventory);
      const stored = await this.serverSideApply(asked, { dryRun: req.dryRun, force: Boolean(this.settings.forceConflicts) }, signal);
      const o = stripServerFields(stored);
      const owned = soleOwnedFields(stored);
      const observed = { id: change.id, object: o, managedByPlumb: true, ...(owned.length ? { owned } : {}) };
      // the post-apply read: the server's answer is what it stored; a declared field stored otherwise
      // (admission rewrote it) is reported, not failed: the write was accepted, nothing was lost, and
      // plans already diff against the admitted dry-run answer (docs/kubernetes.md)
      const differ = storedMismatches(asked, stored);
      if (differ.length) {
        const shown = differ.slice(0, 5).join(', ') + (differ.length > 5 ? ` and ${differ.length - 5} more` : '');
        return {
          ok: true,
          observed,
          ...(req.dryRun ? {} : { stored: { apiVersion: stored.apiVersion ?? asked.apiVersion, kind: stored.kind ?? asked.kind, ...stored } }),
          diagnostics: [
            {
              severity: 'warning',
              code: 'kubernetes.verify-failed',
              ci: change.id,
              message: `the API server did not store ${change.id} as asked: ${shown} ${differ.length === 1 ? 'differs' : 'differ'} from the manifest`,
              hint: 'a mutating admission webhook, a CRD schema that prunes unknown fields, or another controller changed it; see `kubectl get -o yaml`',
            },
          ],
        };
      }
      return {
        ok: true,
        observed,
        ...(req.dryRun ? {} : { stored: { apiVersion: stored.apiVersion ?? asked.apiVersion, kind: stored.kind ?? asked.kind, ...stored } }),
        diagnostics: [],
      };
    } catch (e) {
      const ns = (req.desired as Obj | undefined)?.metadata?.namespace;
      return { ok: false, diagnostics: [apiDiagnostic(e, { verb: change.action === 'delete' ? 'delete' : 'patch', id: change.id, namespace: ns })] };
    }
  }

  /** Namespace → its uid; null when the server says it does not exist, '' when it cannot be read. */
  private readonly namespaces = new Map<string, Promise<string | null>>();

  /** False only when the API server says the namespace does not exist (forbidden or unreachable: maybe). */
  private async namespaceMayExist(ns: string, signal: AbortSignal): Promise<boolean> {
    return (await this.namespaceVersion(ns, signal)) !== null;
  }

  /**
   * A Namespace's `uid@resourceVersion` (read once a run; again after plumb writes it), `''` when it cannot be read
   * (forbidden, unreachable, or an answer without them), null when the API server says it does not exist.
   */
  private namespaceVersion(ns: string, signal: AbortSignal): Promise<string | null> {
    let known = this.namespaces.get(ns);
    if (!known) {
      known = this.client.call({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(ns)}`, signal, accept: METADATA_OBJECT }).then(
        (r) => (r.body?.metadata?.uid && r.body.metadata.resourceVersion ? `${r.body.metadata.uid}@${r.body.metadata.resourceVersion}` : ''),
        (e: unknown) => (e instanceof KubeApiError && e.status === 404 ? null : ''),
      );
      this.namespaces.set(ns, known);
    }
    return known;
  }

  /** Reads a live object by identity; undefined when it does not exist. */
  private async read(id: string, hint: Obj | undefined, signal: AbortSignal): Promise<{ r: ApiResource; object?: Obj } | undefined> {
    const { kind, namespace, name } = parseId(id);
    const apiVersion = hint?.apiVersion;
    const r = apiVersion ? await this.resourceFor({ apiVersion, kind: hint?.kind ?? kind }, signal) : await this.findKind(kind, signal);
    if (!r) return undefined;
    try {
      const res = await this.client.call({ method: 'GET', path: objectPath(r, namespace === '_cluster' ? undefined : namespace, name), signal });
      return { r, object: { apiVersion: r.groupVersion, kind: r.kind, ...res.body } };
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return { r };
      throw e;
    }
  }

  /** Lowercased identity kind → its served resource, once found (a kind not served yet is asked again). */
  private readonly kinds = new Map<string, ApiResource>();

  /** Resolves a lowercased kind (from an identity) to a served resource. */
  private async findKind(kind: string, signal: AbortSignal): Promise<ApiResource | undefined> {
    const known = this.kinds.get(kind);
    if (known) return known;
    const all = await this.discovery.all(signal);
    const r = all.find((x) => identityKind(x.groupVersion, x.kind).toLowerCase() === kind);
    if (r) this.kinds.set(kind, r);
    return r;
  }

  /**
   * Reads many live objects by identity, as {@link read} does one: those of one
   * resource in one namespace (or cluster-wide) with one list call when there
   * are at least {@link LIST_AT_LEAST} of them, the others (and those whose
   * list failed: a role allowed get but not list) with one GET each. An
   * identity whose read failed maps to the error.
   */
  private async readMany(ids: readonly string[], signal: AbortSignal): Promise<Map<string, { r: ApiResource; object?: Obj } | undefined | { error: unknown }>> {
    const out = new Map<string, { r: ApiResource; object?: Obj } | undefined | { error: unknown }>();
    const groups = new Map<string, { kind: string; namespace: string; ids: string[] }>();
    for (const id of ids) {
      const { kind, namespace } = parseId(id);
      const key = `${kind} ${namespace}`;
      const g = groups.get(key) ?? { kind, namespace, ids: [] };
      g.ids.push(id);
      groups.set(key, g);
    }
    const single: string[] = [];
    const lists: { r: ApiResource; namespace: string; ids: string[] }[] = [];
    for (const g of groups.values()) {
      const r = g.ids.length >= LIST_AT_LEAST ? await this.findKind(g.kind, signal).catch(() => undefined) : undefined;
      if (r?.verbs.includes('list')) lists.push({ r, namespace: g.namespace, ids: g.ids });
      else single.push(...g.ids);
    }
    await mapConcurrent(lists, this.concurrency, async ({ r, namespace, ids: wanted }) => {
      try {
        const byName = new Map<string, Obj>();
        await this.client.listPages(
          collectionPath(r, namespace === CLUSTER_NAMESPACE ? undefined : namespace),
          new URLSearchParams({ limit: String(this.settings.pageSize ?? 500) }),
          { signal },
          (page: Obj[], restarted) => {
            if (restarted) byName.clear();
            for (const item of page) byName.set(String(item.metadata?.name), { apiVersion: r.groupVersion, kind: r.kind, ...item });
          },
        );
        for (const id of wanted) {
          const object = byName.get(parseId(id).name);
          out.set(id, object ? { r, object } : { r });
        }
      } catch {
        // a role that may get but not list (or a list that failed): each object on its own, with its own answer
        single.push(...wanted);
      }
    });
    await mapConcurrent(single, this.concurrency, async (id) => {
      try {
        out.set(id, await this.read(id, undefined, signal));
      } catch (e) {
        out.set(id, { error: e });
      }
    });
    return out;
  }

  private async delete(id: string, dryRun: boolean, signal: AbortSignal): Promise<ApplyAnswer> {
    const live = await this.read(id, undefined, signal);
    if (!live?.object) return { ok: true, diagnostics: [{ severity: 'info', code: 'kubernetes.already-gone', ci: id, message: `${id} is already gone` }] };
    const owner = ownershipOf(live.object, this.settings.inventory);
    if (owner.by !== 'this') {
      const whose =
        owner.by === 'other'
          ? `it belongs to inventory ${owner.owner}`
          : owner.by === 'legacy'
            ? 'it was made by a plumb before inventory ids, and this inventory does not declare it'
            : `it does not carry the ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label`;
      return {
        ok: false,
        diagnostics: [
          {
            severity: 'error',
            code: 'kubernetes.prune-unowned',
            ci: id,
            message: `refusing to delete ${id}: ${whose}`,
            hint: 'plumb prunes only what this inventory owns; delete it by hand if it must go',
          },
        ],
      };
    }
    const { namespace, name } = parseId(id);
    const q = new URLSearchParams({ propagationPolicy: 'Background' });
    if (dryRun) q.set('dryRun', 'All');
    await this.client.call({ method: 'DELETE', path: `${objectPath(live.r, namespace === '_cluster' ? undefined : namespace, name)}?${q}`, signal });
    return { ok: true, diagnostics: [] };
  }

  /**
   * The delete half of a replace: deletes the live object (whatever its
   * labels: Git declares it, and the replace was opted into) and waits until
   * the server no longer has it, so the create that follows is a create.
   */
  private async deleteForReplace(desired: Obj, dryRun: boolean, signal: AbortSignal): Promise<void> {
    const r = await this.resourceFor(desired, signal);
    if (!r) throw new KubeApiError(404, 'NotFound', `the server does not serve ${desired.kind} in ${desired.apiVersion}`);
    const path = objectPath(r, desired.metadata?.namespace ?? 'default', String(desired.metadata?.name));
    const q = new URLSearchParams({ propagationPolicy: 'Background' });
    if (dryRun) q.set('dryRun', 'All');
    try {
      await this.client.call({ method: 'DELETE', path: `${path}?${q}`, signal });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return;
      throw e;
    }
    if (dryRun) return;
    for (let i = 0; i < 120; i++) {
      try {
        await this.client.call({ method: 'GET', path, signal });
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return;
        throw e;
      }
      await sleep(250, signal);
    }
    throw new KubeApiError(
      409,
      'Conflict',
      `${desired.kind} ${desired.metadata?.name} is still being deleted after 30 s (a finalizer?); the create half of the replace was not attempted`,
    );
  }

  /**
   * Backs up each object as it is now (server fields stripped, for restore); an
   * object that does not exist is an artifact saying so (restore deletes it).
   * Objects of one resource in one namespace are read with one list call
   * ({@link readMany}): a first apply of 500 objects reads 16 lists, not 500 objects.
   */
  async backup(req: BackupRequest, signal: AbortSignal): Promise<BackupAnswer> {
    const diagnostics: Diagnostic[] = [];
    const artifacts: BackupArtifact[] = [];
    const read = await this.readMany(req.ids, signal);
    for (const id of req.ids) {
      const live = read.get(id);
      if (live && 'error' in live) {
        diagnostics.push(apiDiagnostic(live.error, { verb: 'get', id }));
        continue;
      }
      const data = live?.object ? new TextEncoder().encode(JSON.stringify(forRestore(live.object))) : new Uint8Array();
      artifacts.push({ id, exists: Boolean(live?.object), mediaType: 'application/json', data });
    }
    artifacts.sort((a, b) => compareText(a.id, b.id));
    return { artifacts, diagnostics };
  }

  async restore(req: RestoreRequest, signal: AbortSignal): Promise<RestoreAnswer> {
    const diagnostics: Diagnostic[] = [];
    const restored: string[] = [];
    const decoded = req.artifacts.map((a) => ({ a, object: a.exists ? (JSON.parse(new TextDecoder().decode(a.data)) as Obj) : undefined }));
    const rank = (d: (typeof decoded)[number]) => restoreRank(kindOf(d.object) ?? parseId(d.a.id).kind);
    decoded.sort((x, y) => rank(x) - rank(y) || compareText(x.a.id, y.a.id));
    // what this restore itself brings back first: a dry run of an object inside them cannot be
    // rehearsed before they exist (the server answers 404), so it is checked for real when they do
    const namespacesRestored = new Set(decoded.filter((d) => kindOf(d.object) === 'Namespace').map((d) => String(d.object!.metadata?.name)));
    const groupsRestored = new Set(decoded.filter((d) => kindOf(d.object) === 'CustomResourceDefinition').map((d) => String(d.object!.spec?.group)));
    const notYetThere = (e: unknown, object: Obj) =>
      req.dryRun &&
      e instanceof KubeApiError &&
      e.status === 404 &&
      (namespacesRestored.has(String(object.metadata?.namespace)) || groupsRestored.has(String(object.apiVersion).split('/')[0]));
    for (const group of [0, 1, 2]) {
      await mapConcurrent(
        decoded.filter((d) => rank(d) === group),
        this.concurrency,
        async ({ a, object }) => {
          try {
            if (object) {
              try {
                await this.serverSideApply(object, { dryRun: req.dryRun, force: true }, signal);
              } catch (e) {
                if (!notYetThere(e, object)) throw e;
              }
            } else {
              const live = await this.read(a.id, undefined, signal);
              if (live?.object) {
                const { namespace, name } = parseId(a.id);
                const q = new URLSearchParams({ propagationPolicy: 'Background', ...(req.dryRun ? { dryRun: 'All' } : {}) });
                await this.client.call({
                  method: 'DELETE',
                  path: `${objectPath(live.r, namespace === '_cluster' ? undefined : namespace, name)}?${q}`,
                  signal,
                });
              }
            }
            restored.push(a.id);
          } catch (e) {
            diagnostics.push(apiDiagnostic(e, { verb: object ? 'patch' : 'delete', id: a.id, namespace: object?.metadata?.namespace }));
          }
        },
      );
    }
    return { restored: restored.sort(), ok: diagnostics.length === 0, diagnostics };
  }

  /**
   * Waits until every object is healthy or done failing (health.ts, or
   * plumb.yaml's rules) or `timeoutMs` is up: the objects as this wave's writes
   * answered first (`req.written`), then a list and a watch per resource and
   * namespace still pending, all at once ({@link waitHealthy}); polling where
   * the watch is refused or not served. Warnings: a refused watch, once per
   * resource for this provider.
   */
  async health(req: HealthRequest, signal: AbortSignal): Promise<HealthAnswer> {
    const pollMs = this.settings.pollMs ?? 500;
    const diagnostics: Diagnostic[] = [];
    const results = await waitHealthy(
      req.ids,
      req.written as ReadonlyMap<string, Obj> | undefined,
      req.timeoutMs,
      {
        client: this.client,
        findKind: (kind, s) => this.findKind(kind, s),
        readMany: (ids, s) => this.readMany(ids, s),
        judge: (object) => {
          const ruled = this.settings.healthRule?.(object);
          return ruled ?? evaluateHealth(object);
        },
        pollMs,
        watchRefused: (r, namespace, error) => {
          if (this.watchRefusalsSaid.has(r.plural)) return;
          this.watchRefusalsSaid.add(r.plural);
          diagnostics.push(watchRefusedWarning(r, namespace, error, pollMs));
        },
      },
      signal,
    );
    return { results, diagnostics };
  }

  /** Resources whose refused watch this provider has reported (once each). */
  private readonly watchRefusalsSaid = new Set<string>();

  /**
   * Watches the resource types of the selector (or of `kinds` given as
   * apiVersion/Kind pairs in the target settings) and reports changes; the
   * returned function stops every watch. Each stream is read by plumb's own
   * client ({@link KubeClient.watch}: the same credentials, agent and error
   * shape as every other call), not client-node's `Watch`, which would load
   * node-fetch for it.
   */
  watch(req: { selector?: DiscoverRequest['selector']; resources?: { apiVersion: string; kind: string }[] }, onEvent: (e: WatchEvent) => void): () => void {
    const stop = new AbortController();
    const start = async () => {
      for (const t of req.resources ?? []) {
        const r = await this.resourceFor(t);
        if (!r || stop.signal.aborted) continue;
        const namespaces = this.settings.namespaces ?? req.selector?.namespaces ?? [undefined];
        for (const ns of r.namespaced ? namespaces : [undefined]) {
          const query = new URLSearchParams({ watch: '1' });
          if (this.settings.labelSelector) query.set('labelSelector', this.settings.labelSelector);
          // the server first sends every existing object as ADDED, then the changes; the stream ends at its own timeout
          void this.client
            .watch(
              `${collectionPath(r, ns)}?${query}`,
              ({ type: phase, object }) => {
                if (phase !== 'ADDED' && phase !== 'MODIFIED' && phase !== 'DELETED') return;
                const o = stripServerFields({ apiVersion: r.groupVersion, kind: r.kind, ...object });
                const id = identityOf(o);
                if (!id) return;
                const type = phase === 'ADDED' ? 'added' : phase === 'DELETED' ? 'deleted' : 'modified';
                onEvent({ type, id: id.id, object: o });
              },
              stop.signal,
            )
            .catch(() => undefined);
        }
      }
    };
    void start().catch(() => undefined);
    return () => stop.abort();
  }

  /**
   * The server's version and API versions, from the discovery this provider
   * already keeps (engine/providers/kubernetes/discovery.ts): what charts render
   * for. A server that does not answer is an error diagnostic, never a throw.
   */
  async capabilities(signal: AbortSignal): Promise<CapabilitiesAnswer> {
    try {
      const { kubeVersion, apiVersions } = await this.discovery.capabilities(signal);
      return { diagnostics: [], ...(kubeVersion ? { kubeVersion } : {}), apiVersions };
    } catch (e) {
      return { diagnostics: [apiDiagnostic(e, { verb: 'discover' })] };
    }
  }

  /** Keeps the requests of a whole discover's lists for the next run's {@link askListsAhead}, when they changed. */
  private keepListsRecord(made: ListsRecord, before: ListsRecord | undefined): void {
    const record = { lists: [...new Set(made.lists)].sort(), sweep: [...new Set(made.sweep)].sort() };
    if (record.lists.length + record.sweep.length > LISTS_RECORD_MAX) return;
    if (before && JSON.stringify(before) === JSON.stringify(record)) return;
    this.dryRunStore?.set(LISTS_NAMESPACE, this.listsRecordKey(), record);
  }

  async close(): Promise<void> {
    this.listsAhead?.lists.stop();
    this.listsAhead?.sweep.stop();
    this.listsAhead = undefined;
    await this.dryRunBook?.flush();
    this.client.close();
  }
}

/**
 * The document plumb sends with server-side apply: labelled as plumb's, and a
 * Secret's `stringData` folded into base64 `data` first. The API server folds it
 * anyway, but field ownership stays on `stringData`, so a key later removed
 * from Git would stay in `data` for ever; applied as `data`, plumb owns each key
 * and server-side apply removes the ones Git drops.
 */
function applied(desired: Obj, inventory: string | undefined): Obj {
  return normalizeDesiredSecret(withManagedLabel(desired, inventory), undefined) as Obj;
}

/**
 * A 422 whose causes say a field is immutable (Job spec.template, Deployment
 * spec.selector, Service clusterIP, StatefulSet volumeClaimTemplates…): the
 * fields, as the server names them, and its message. Undefined otherwise.
 */
function immutableFields(e: unknown): { fields: string[]; message: string } | undefined {
  if (!(e instanceof KubeApiError) || e.status !== 422) return undefined;
  const causes = ((e.details?.causes ?? []) as { field?: string; message?: string }[]).filter((c) =>
    /immutable|may not change|cannot be changed/i.test(c.message ?? ''),
  );
  if (causes.length === 0 && !/immutable/i.test(e.message)) return undefined;
  const fields = [...new Set(causes.map((c) => c.field).filter((f): f is string => Boolean(f)))].sort();
  return { fields: fields.length ? fields : ['(the server did not name it)'], message: e.message };
}

/** The warning for an API group-version whose discovery failed: names the group, and the CIs left unknown. */
function unavailableGroup(groupVersion: string, reason: string | undefined, ids: readonly string[]): Diagnostic {
  const group = groupVersion.includes('/') ? groupVersion.slice(0, groupVersion.lastIndexOf('/')) : 'core';
  return {
    severity: 'warning',
    code: 'kubernetes.group-unavailable',
    ...(ids[0] ? { ci: ids[0] } : {}),
    message: `the API group ${group} (${groupVersion}) is unavailable${reason ? ` (${reason.split(':')[0]})` : ''}: ${ids.length ? `${ids.length} CI(s) of it are unknown and left out of this plan` : 'objects of it are neither listed nor pruned'}`,
    hint: `check the APIService of ${groupVersion} and the Service and pods behind it (kubectl get apiservice); the rest of the cluster is planned as usual`,
  };
}

function wantedGroupVersion(wanted: ReadonlyMap<string, { apiVersion: string }>, gv: string): boolean {
  for (const w of wanted.values()) if (w.apiVersion === gv) return true;
  return false;
}

/** A JSON Pointer into `doc` in Kubernetes' field-path notation (`.spec.items[2].name`), for placement. */
function fieldPathOf(doc: unknown, pointer: string): string {
  let node = doc;
  let out = '';
  for (const token of parsePointer(pointer)) {
    out += Array.isArray(node) ? `[${token}]` : `.${token}`;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
  }
  return out || '.';
}

/** The same failure met by many calls (an unreachable server) is said once. */
function distinct(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** One list call per namespace for namespaced resources, one cluster-wide call otherwise. */
function listJobs(r: ApiResource, namespaces: readonly string[]): { r: ApiResource; ns: string | undefined }[] {
  return r.namespaced ? namespaces.map((ns) => ({ r, ns })) : [{ r, ns: undefined }];
}

/** A kept answer as the provider's answer; undefined when it cannot stand for this request (`live` without a live object). */
function fromCached(hit: CachedDryRun, req: DiffRequest): DiffAnswer | undefined {
  if (hit.projected === 'live' && !req.observed) return undefined;
  const projected = hit.projected === 'live' ? req.observed!.object : hit.projected;
  return { diagnostics: [...hit.diagnostics], ...(projected ? { projected } : {}), ...(hit.replace ? { replace: hit.replace } : {}) };
}

/**
 * What of an answer is kept: a projection or a replace with at most warnings
 * (an error is asked again next time). A projection equal to the live object
 * is kept as `'live'`; the projection of an object with secret values only
 * so — a Secret (any apiVersion, as the redaction rule reads `kind: Secret`)
 * any object with fields SOPS decrypted (a ConfigMap's DSN), whose values
 * are secret whatever the kind, and any object with a value its kind's schema
 * marks `x-plumb-secret` (`holdsSecrets`): they are never written to the cache.
 */
function toCached(answer: DiffAnswer, req: DiffRequest): CachedDryRun | undefined {
  if (answer.diagnostics.some((d) => d.severity === 'error') || (!answer.projected && !answer.replace)) return undefined;
  const same = answer.projected && req.observed && canonicalJson(answer.projected) === canonicalJson(req.observed.object);
  const secret =
    req.holdsSecrets === true || holdsSecretData(req.desired.object) || holdsSecretData(req.observed?.object) || (req.desired.secretPointers?.length ?? 0) > 0;
  if (secret && !(same && !answer.replace)) return undefined;
  return {
    diagnostics: answer.diagnostics,
    ...(answer.projected ? { projected: same ? 'live' : answer.projected } : {}),
    ...(answer.replace ? { replace: answer.replace } : {}),
  };
}

/** Where the content cache keeps each server's list record ({@link KubernetesProvider.askListsAhead}). */
const LISTS_NAMESPACE = 'kubernetes-lists-1';

/** Requests a list record holds at most (a discover that made more is not recorded): what is asked ahead stays bounded. */
const LISTS_RECORD_MAX = 4096;

/** The first-page requests (path with query) of a whole discover's lists: its step-1 lists and its sweep's. */
interface ListsRecord {
  readonly lists: string[];
  readonly sweep: string[];
}

/** How one list goes: its first page from those asked ahead, and where its request is recorded. */
interface ListVia {
  readonly ahead?: ListsAhead;
  readonly made?: string[];
}

/** A kept list record as read back: undefined unless it is one (lists of API paths, within bounds). */
function readListsRecord(kept: unknown): ListsRecord | undefined {
  if (kept === null || typeof kept !== 'object') return undefined;
  const { lists, sweep } = kept as Record<string, unknown>;
  const paths = (v: unknown): v is string[] => Array.isArray(v) && v.every((p) => typeof p === 'string' && /^\/apis?\/[^\s#]*$/.test(p) && p.length <= 8192);
  if (!paths(lists) || !paths(sweep) || lists.length + sweep.length > LISTS_RECORD_MAX) return undefined;
  return { lists, sweep };
}

/** Namespaces a sweep list leaves out by field selector at most (beyond, it lists them again: a URL stays short). */
const SWEEP_EXCLUDES_AT_MOST = 64;

/** Objects of one resource in one namespace read together with one list call (backup, health) from this many on. */
const LIST_AT_LEAST = 4;

/**
 * Asks the API server for a list's metadata only (PartialObjectMetadataList), falling back to whole objects;
 * kubectl's `get -o name` sends the same. Only for lists: the server refuses it for one object (406).
 */
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/**
 * Asks for one object's metadata only (PartialObjectMetadata), falling back to the whole object. The server
 * answers 406 Not Acceptable when the first type it can serve is a list type for a single object (it does not
 * go on to the next type), so a read of one object must not offer PartialObjectMetadataList.
 */
const METADATA_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

function parseId(id: string): { kind: string; namespace: string; name: string } {
  const colon = id.indexOf(':');
  const slash = id.indexOf('/', colon);
  return { kind: id.slice(0, colon), namespace: id.slice(colon + 1, slash), name: id.slice(slash + 1) };
}

export function createKubernetesProvider(settings: KubernetesSettings): KubernetesProvider {
  return new KubernetesProvider(loadKubeConfig(settings), settings);
}
