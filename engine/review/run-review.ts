import { atRiskWarnings, forecastForPlan } from '../capacity/view.js';
import { loadRepository, type ParseCache } from '../load/load-repository.js';
import type { LoadedRepository } from '../load/types.js';
import type { RenderCache } from '../render/render-stage.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { discoverTargets } from '../plan/discover-targets.js';
import { planPolicies } from '../plan/plan-policies.js';
import { selectTargets } from '../plan/select-targets.js';
import type { Plan } from '../plan/types.js';
import { loadPolicies } from '../policy/load-policies.js';
import type { CompiledPolicy } from '../policy/types.js';
import { validateRepository } from '../validate/validate.js';
import { buildReview } from './build-review.js';
import { policyChanges } from './policy-changes.js';
import type { Origin, RawDocument } from '../model/ci.js';
import { defaultContentCache, withContentCache, type ContentCache } from '../cache/content-cache.js';
import type { CIGraph } from '../graph/types.js';
import { crdDocuments, indexedRevisions, UnreadCIError } from './indexed-review.js';

/** `--head worktree`: review the uncommitted work tree against the base. */
export const WORKTREE = 'worktree';

export interface RunReviewOptions {
  readonly repo?: string;
  readonly cwd?: string;
  /** The revision the pull request starts from (`--base`). */
  readonly base: string;
  /** The pull request's revision (`--head`); default `HEAD`; `worktree` for uncommitted files. */
  readonly head?: string;
  /** `--target`: add the drift of the changed CIs against this target's actual state. */
  readonly target?: string;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  /** Rendered units by key (default the process-wide cache; `false` renders every unit of both sides afresh). */
  readonly renderCache?: RenderCache | false;
  /** The persistent cache of parses and per-file diagnostics (default from the environment; `false`: none). */
  readonly contentCache?: ContentCache | false;
  /**
   * Default true: the base is read only where it differs from the head (files
   * whose blob changed). `false` loads the whole base as well — the reference
   * the incremental review is tested against.
   */
  readonly incremental?: boolean;
  /**
   * Default true: with a content cache, a committed head and no `--target`,
   * the review reads the head through the base's cached index
   * (engine/review/indexed-review.ts). `false` reads the whole head.
   */
  readonly index?: boolean;
}

export interface RunReviewResult {
  readonly plan?: Plan;
  /**
   * How the revisions were read: `index` — the head where the change needs it,
   * over the base's cached index (indexed-review.ts); `full` — the whole head,
   * the base where it differs, with `fallback` saying why the index could not
   * serve this review (absent when `incremental: false` or without a content cache).
   */
  readonly read: 'index' | 'full';
  readonly fallback?: string;
  readonly head: LoadedRepository;
  readonly diagnostics: readonly Diagnostic[];
  /** The policies of the gate — the base's — and the head's (SARIF lists a rule for each). */
  readonly policies: readonly CompiledPolicy[];
}

/**
 * `plumb review` as one engine call: both revisions read from Git without a
 * checkout; the head is validated and its errors stop the review (it must be
 * fixed before it can merge); the base is not validated again (a broken main
 * must not block the pull request that fixes it), and is read only where its
 * files' blobs differ from the head's (`incremental: false` reads it whole).
 *
 * Policies: the gate is the **base's** policies and exceptions — a pull
 * request is attacker-controlled and must not be judged by rules it can
 * delete or weaken itself. The head's policies are evaluated over the same
 * changes and shown (`headPolicy`), and every policy or exception the pull
 * request adds, changes or removes is listed (`policyChanges`), at the top of
 * every output. A base policy that no longer compiles is reported as a
 * warning (main is already merged) and does not gate.
 */
export function runReview(options: RunReviewOptions): Promise<RunReviewResult> {
  // the caller's cache (or none) for every cache the review's callees open (diff texts, CEL parses)
  return withContentCache(options.contentCache, () => review(options));
}

async function review(options: RunReviewOptions): Promise<RunReviewResult> {
  const now = options.now ?? new Date();
  const headRev = options.head ?? 'HEAD';
  // head first, then base through the same parse cache: a blob both sides
  // share is read and parsed once, so the cost follows the size of the change
  const parseCache: ParseCache = new Map();
  // and so does the render cache: a unit whose inputs are the same on both sides renders once
  const renderCache = options.renderCache;
  const contentCache = options.contentCache;
  const partial = options.incremental !== false;
  const disk = contentCache === false ? undefined : (contentCache ?? defaultContentCache());
  // the cached index of the base serves a committed head with no --target drift; anything else reads the whole head
  const indexed =
    partial && options.index !== false && disk && headRev !== WORKTREE && options.target === undefined
      ? await indexedRevisions({ repo: options.repo, cwd: options.cwd, base: options.base, head: headRev, parseCache, renderCache, contentCache: disk })
      : undefined;
  let head: LoadedRepository;
  let base: LoadedRepository;
  let headGraph: CIGraph;
  let touched: ReadonlySet<string> | undefined;
  const diagnostics: Diagnostic[] = [];
  const read = indexed && !('fallback' in indexed) ? 'index' : 'full';
  const fallback = indexed && 'fallback' in indexed ? { fallback: indexed.fallback } : {};
  if (indexed && !('fallback' in indexed)) {
    head = indexed.head;
    base = completeBase(indexed.base, head);
    headGraph = indexed.headGraph;
    touched = indexed.changedFiles;
    diagnostics.push(...indexed.diagnostics);
  } else {
    head = await loadRepository({
      repo: options.repo,
      cwd: options.cwd,
      rev: headRev === WORKTREE ? undefined : headRev,
      parseCache,
      renderCache,
      contentCache,
      target: options.target,
    });
    // The base is read where it differs from the head only: a file with the same blob holds the same CIs and policies.
    const loadedBase = await loadRepository({
      repo: options.repo,
      cwd: options.cwd,
      rev: options.base,
      parseCache,
      renderCache,
      contentCache,
      target: options.target,
      ...(partial ? { unchangedFrom: { files: head.files, documents: () => crdDocuments(head.cis) } } : {}),
    });
    base = partial ? completeBase(loadedBase, head) : loadedBase;
    // Only the head is validated: it must be fixed before it can merge. The base
    // is what is merged already; the review needs only its CIs in changed files.
    const headChecked = validateRepository(head, { contentCache });
    headGraph = headChecked.graph;
    diagnostics.push(...headChecked.diagnostics);
  }
  const loaded = loadPolicies(head.policyDocuments, head.locate);
  diagnostics.push(...loaded.diagnostics);
  if (hasErrors(diagnostics)) return { head, diagnostics, policies: loaded.policies, read, ...fallback };

  const baseLoaded = loadPolicies(base.policyDocuments, base.locate);
  diagnostics.push(...baseLoaded.diagnostics.map((d) => ({ ...d, severity: 'warning' as const, message: `base revision: ${d.message}` })));
  const changedPolicies = policyChanges(base.policyDocuments.filter(isPolicyDoc), head.policyDocuments.filter(isPolicyDoc));

  const signal = options.signal ?? new AbortController().signal;
  const names = options.target !== undefined ? selectTargets(head.config, options.target) : undefined;
  const driftDiagnostics: Diagnostic[] = [];
  // capacity forecasts of the head's signals (the base's metrics source: the PR cannot redirect it)
  const capacity = await forecastForPlan({ cis: head.cis, metrics: base.config.metrics ?? head.config.metrics, root: head.root, signal });
  diagnostics.push(...capacity.diagnostics);
  let built: Awaited<ReturnType<typeof buildReview>>;
  try {
    built = await buildReview({
      base,
      head,
      headGraph,
      changedFiles: touched,
      policies: ({ headGraph, baseGraph }) =>
        planPolicies({ policies: baseLoaded.policies, exceptions: baseLoaded.exceptions, graph: headGraph, baseGraph, now, capacity: capacity.lookup }),
      headPolicies: ({ headGraph, baseGraph }) =>
        planPolicies({ policies: loaded.policies, exceptions: loaded.exceptions, graph: headGraph, baseGraph, now, capacity: capacity.lookup }),
      policyChanges: changedPolicies,
      now,
      ...(names
        ? {
            drift: async (changed) => {
              const found = await discoverTargets({
                config: head.config,
                names,
                cis: changed,
                root: head.root,
                cliSettings: options.cliSettings,
                signal,
                schemas: head.schemas,
              });
              driftDiagnostics.push(...found.diagnostics);
              return found.targets;
            },
          }
        : {}),
    });
  } catch (e) {
    // the plan read a CI the index left unloaded: the whole head answers instead
    if (e instanceof UnreadCIError && read === 'index') return { ...(await runReview({ ...options, index: false })), fallback: e.message };
    throw e;
  }
  diagnostics.push(...built.diagnostics, ...driftDiagnostics);
  if (built.plan) diagnostics.push(...atRiskWarnings(built.plan.changes, capacity.lookup));
  if (hasErrors(driftDiagnostics)) return { head, diagnostics, policies: loaded.policies, read, ...fallback };
  return { plan: built.plan, head, diagnostics, policies: uniqueByName([...baseLoaded.policies, ...loaded.policies]), read, ...fallback };
}

function uniqueByName(policies: readonly CompiledPolicy[]): CompiledPolicy[] {
  const seen = new Set<string>();
  return policies.filter((p) => !seen.has(p.name) && Boolean(seen.add(p.name)));
}

/** Policy and PolicyException documents (the rest of `policyDocuments` are files outside the inventory). */
function isPolicyDoc(doc: RawDocument): boolean {
  const kind = (doc.value as { kind?: unknown } | null)?.kind;
  return kind === 'Policy' || kind === 'PolicyException';
}

/**
 * A base loaded where it differs from the head, completed with what the head's
 * unchanged files say: their policy documents (merged in load order, file path
 * then document) and their positions. Its CIs stay those of the changed files —
 * all the review compares (buildReview).
 */
function completeBase(base: LoadedRepository, head: LoadedRepository): LoadedRepository {
  const unchanged = (file: string) => base.files.get(file) === head.files.get(file) && head.files.has(file);
  // policy files the base loaded itself (unchanged or not) gave it their documents already: the same as the head's
  const loaded = new Set(base.policyDocuments.map((d) => d.origin.file));
  const fromHead = head.policyDocuments.filter((d) => unchanged(d.origin.file) && !loaded.has(d.origin.file));
  const policyDocuments = fromHead.length
    ? [...base.policyDocuments, ...fromHead].sort((a, b) =>
        a.origin.file < b.origin.file ? -1 : a.origin.file > b.origin.file ? 1 : a.origin.doc - b.origin.doc,
      )
    : base.policyDocuments;
  return {
    ...base,
    policyDocuments,
    locate: (origin: Origin, pointer: string) => (unchanged(origin.file) ? head.locate(origin, pointer) : base.locate(origin, pointer)),
  };
}
