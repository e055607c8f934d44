import type { CelInput } from '@bufbuild/cel';
import { NO_CAPACITY, type CapacityLookup } from '../capacity/view.js';
import type { CIGraph } from '../graph/types.js';
import type { CI } from '../model/ci.js';
import type { ImpactSummary } from '../impact/types.js';
import type { ChangeAction } from '../model/change-action.js';
import { toCelInput } from './cel-values.js';
import type { PlanView, PolicyVariable, Simulate } from './types.js';

/** `relations` and `dependents` entries: one shape for both directions. */
export interface EdgeView {
  readonly type: string;
  /** The CI that declares the relation. */
  readonly source: string;
  /** The CI it names. */
  readonly target: string;
  readonly inferred: boolean;
}

/** What every subject of one evaluation shares. */
export interface SharedContext {
  readonly now: CelInput;
  /** The `plan` variable, converted on first use. */
  readonly plan: () => CelInput;
  /** Runs a simulation when an expression reads `impact` and the change brought none. */
  readonly simulate?: Simulate;
  /** The capacity forecasts of a CI (`capacity`); without it every CI reads as having no signal. */
  readonly capacity?: CapacityLookup;
}

export interface SubjectInput {
  readonly ci: CI;
  /** Where to read relations/dependents: the graph holding the CI (the base graph for a delete). */
  readonly graph?: CIGraph;
  readonly change: { readonly action: ChangeAction; readonly paths: readonly string[] };
  readonly oldObject: Readonly<Record<string, unknown>> | null;
  /** This change's impact if already known; otherwise simulated on first read. */
  readonly impact?: ImpactSummary;
  readonly shared: SharedContext;
}

export type Bindings = Record<PolicyVariable, CelInput>;

/**
 * The CEL variables for one CI, built lazily: each is a memoised getter, read
 * only if an expression reaches it (the library resolves variables on demand),
 * so `impact` costs a simulation only for policies that read it, and
 * `dependents` a graph walk only for those that ask.
 *
 * `object` is the CI's document with `metadata.namespace`, `labels` and
 * `annotations` always present (the defaults the loader applied), so that
 * `object.metadata.labels.env` never fails on a CI that has no labels at all.
 *
 * A class rather than an object of closures: one of these is made per CI, and
 * at 100k CIs the allocation (and the garbage collection after it) shows.
 */
class SubjectBindings {
  #input: SubjectInput;
  #object?: CelInput;
  #oldObject?: CelInput;
  #change?: CelInput;
  #impact?: CelInput;
  #relations?: CelInput;
  #dependents?: CelInput;
  #capacity?: CelInput;

  constructor(input: SubjectInput) {
    this.#input = input;
  }

  get object(): CelInput {
    return (this.#object ??= convertedObject(this.#input.ci));
  }
  get oldObject(): CelInput {
    return (this.#oldObject ??= toCelInput(this.#input.oldObject));
  }
  get change(): CelInput {
    return (this.#change ??= toCelInput(this.#input.change));
  }
  get impact(): CelInput {
    return (this.#impact ??= toCelInput(this.#input.impact ?? simulated(this.#input)));
  }
  get relations(): CelInput {
    return (this.#relations ??= toCelInput(outgoing(this.#input.ci, this.#input.graph)));
  }
  get dependents(): CelInput {
    return (this.#dependents ??= toCelInput(incoming(this.#input.ci.id, this.#input.graph)));
  }
  get capacity(): CelInput {
    return (this.#capacity ??= toCelInput(this.#input.shared.capacity?.(this.#input.ci.id) ?? NO_CAPACITY));
  }
  get plan(): CelInput {
    return this.#input.shared.plan();
  }
  get now(): CelInput {
    return this.#input.shared.now;
  }
}

function simulated({ ci, change, shared }: SubjectInput): ImpactSummary {
  if (!shared.simulate) throw new Error('impact is not available: no impact simulation was provided');
  return shared.simulate({ sources: [ci.id], event: change.action === 'delete' ? 'delete' : 'change' });
}

export function subjectBindings(input: SubjectInput): Bindings {
  return new SubjectBindings(input) as unknown as Bindings;
}

/** Bindings for plan-scope policies: no CI, only the plan, its impact and the clock. */
export function planBindings(plan: () => CelInput, impact: ImpactSummary | undefined, now: CelInput): Bindings {
  return {
    object: null,
    oldObject: null,
    change: null,
    relations: [],
    dependents: [],
    capacity: toCelInput(NO_CAPACITY),
    get impact() {
      return toCelInput(impact ?? null);
    },
    get plan() {
      return plan();
    },
    now,
  } as Bindings;
}

/** The plan as policies see it: summary, the changes without their bulky diff and desired document, and the impact. */
export function planView(plan: PlanView | undefined): unknown {
  if (!plan) return null;
  return {
    summary: plan.summary,
    changes: plan.changes.map((c) => ({
      id: c.id,
      action: c.action,
      wave: c.wave,
      provider: c.provider,
      target: c.target,
      paths: c.paths,
      ...(c.impact ? { impact: c.impact } : {}),
    })),
    impact: plan.impact ?? null,
  };
}

const objectCache = new WeakMap<CI, CelInput>();

/** A CI's document converted once per CI object, shared by every policy that reads it. */
function convertedObject(ci: CI): CelInput {
  let value = objectCache.get(ci);
  if (value === undefined) {
    value = toCelInput(withMetadataDefaults(ci));
    objectCache.set(ci, value);
  }
  return value;
}

function withMetadataDefaults(ci: CI): Readonly<Record<string, unknown>> {
  const metadata = (ci.object.metadata ?? {}) as Record<string, unknown>;
  if (metadata.namespace !== undefined && metadata.labels !== undefined && metadata.annotations !== undefined) return ci.object;
  return {
    ...ci.object,
    metadata: {
      ...metadata,
      namespace: metadata.namespace ?? ci.namespace,
      labels: metadata.labels ?? ci.labels,
      annotations: metadata.annotations ?? ci.annotations,
    },
  };
}

function outgoing(ci: CI, graph: CIGraph | undefined): EdgeView[] {
  if (!graph?.hasNode(ci.id)) {
    return ci.relations.map((r) => ({ type: r.type, source: ci.id, target: r.targetId, inferred: r.inferred }));
  }
  const edges: EdgeView[] = [];
  graph.forEachOutEdge(ci.id, (_edge, attrs, source, target) => {
    edges.push({ type: attrs.type, source, target, inferred: attrs.inferred });
  });
  return edges;
}

function incoming(id: string, graph: CIGraph | undefined): EdgeView[] {
  if (!graph?.hasNode(id)) return [];
  const edges: EdgeView[] = [];
  graph.forEachInEdge(id, (_edge, attrs, source, target) => {
    edges.push({ type: attrs.type, source, target, inferred: attrs.inferred });
  });
  return edges;
}
