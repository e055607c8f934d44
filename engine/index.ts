/**
 * The engine's front door. The CLI (cli/), the TUI (tui/) and anything else
 * built on plumb import from here and nowhere else in engine/ (biome.json
 * enforces it; docs/architecture.md, "The facade").
 *
 * - Operations (engine/operations/, one file each): validate, graph, impact,
 *   why, plan, review, discover, apply, backup, listBackups, restore — each an
 *   async function of one options object that owns its composition (opening
 *   and closing providers, filling secrets back in, narrowing to a selection,
 *   progress hooks) — and startController, the reconciliation loop built on them.
 * - Renderers for every output format (report/), which are pure functions of
 *   an operation's result.
 * - The types of those options and results, the error class and code
 *   catalogue, and the few value helpers front ends need (durations,
 *   references, the "is this denied?" rule).
 */

// operations — loaded on first call, so a command pays only for the stages it runs (start-up time)
import type * as ValidateOp from './operations/validate.js';
import type * as GraphOp from './operations/graph.js';
import type * as ImpactOp from './operations/impact.js';
import type * as PlanOp from './operations/plan.js';
import type * as ReviewOp from './operations/review.js';
import type * as DiscoverOp from './operations/discover.js';
import type * as ApplyOp from './operations/apply.js';
import type * as BackupOp from './operations/backup.js';
import type * as RestoreOp from './operations/restore.js';
import type * as CapacityOp from './operations/run-capacity.js';
import type * as IncidentsRead from './correlate/read-incidents.js';
import type * as ControllerOp from './reconcile/start-controller.js';
import type * as LoggerOp from './reconcile/logger.js';
import type * as GitSourceOp from './sources/git-url-source.js';
import type * as PathSourceOp from './sources/local-path-source.js';
import type * as LoadConfigOp from './config/load-config.js';
import type * as ReadStatusOp from './reconcile/read-status.js';
import type * as CompleteOp from './operations/complete.js';
import type * as BuildGraph from './graph/build-graph.js';
import type * as ReadPlanFile from './apply/read-plan-file.js';
import type * as RenderStage from './render/render-stage.js';
import type * as PlanOutput from './report/plan-output.js';
import type * as PlanJson from './report/plan-json.js';
import type * as DiagnosticsOutput from './report/diagnostics-output.js';
import type * as Recorded from './capacity/recorded.js';

/** {@link ValidateOp.validate}: load, validate, inventory policies. */
export const validate: typeof ValidateOp.validate = async (opts) => (await import('./operations/validate.js')).validate(opts);
/** {@link GraphOp.graph}: the CI graph, or the part around a focus. */
export const graph: typeof GraphOp.graph = async (opts) => (await import('./operations/graph.js')).graph(opts);
/** {@link ImpactOp.impact}: the blast radius of an event. */
export const impact: typeof ImpactOp.impact = async (opts) => (await import('./operations/impact.js')).impact(opts);
/** {@link ImpactOp.why}: the root cause that explains failing CIs. */
export const why: typeof ImpactOp.why = async (opts) => (await import('./operations/impact.js')).why(opts);
/** {@link PlanOp.plan}: desired vs actual, impact and policies, as a plan. */
export const plan: typeof PlanOp.plan = async (opts) => (await import('./operations/plan.js')).plan(opts);
/** {@link PlanOp.renderPlanFile}: a plan file's text, with keyed digests of redacted secrets. */
export const renderPlanFile: typeof PlanOp.renderPlanFile = async (planned) => (await import('./operations/plan.js')).renderPlanFile(planned);
/** {@link ReviewOp.review}: what a pull request changes. */
export const review: typeof ReviewOp.review = async (opts) => (await import('./operations/review.js')).review(opts);
/** {@link DiscoverOp.discover}: a target's actual state as a snapshot. */
export const discover: typeof DiscoverOp.discover = async (opts) => (await import('./operations/discover.js')).discover(opts);
/** {@link ApplyOp.apply}: hydrate, narrow, open, apply wave by wave, close. */
export const apply: typeof ApplyOp.apply = async (opts) => (await import('./operations/apply.js')).apply(opts);
/** The default {@link OpenContext}: a provider per target from plumb.yaml, the backup store, .plumb/ locks and audit log. */
export const openApplyContext: ApplyOp.OpenContext = async (opts) => (await import('./apply/open-targets.js')).openApplyContext(opts);
/** {@link BackupOp.backup}: an on-demand backup. */
export const backup: typeof BackupOp.backup = async (opts) => (await import('./operations/backup.js')).backup(opts);
/** {@link BackupOp.listBackups}: the backups in the configured store. */
export const listBackups: typeof BackupOp.listBackups = async (opts) => (await import('./operations/backup.js')).listBackups(opts);
/** {@link RestoreOp.restore}: verify, then restore as apply applies. */
export const restore: typeof RestoreOp.restore = async (opts) => (await import('./operations/restore.js')).restore(opts);
/** {@link CapacityOp.runCapacity}: capacity forecasts of the CIs' signals. */
export const runCapacity: typeof CapacityOp.runCapacity = async (opts) => (await import('./operations/run-capacity.js')).runCapacity(opts);
/** {@link IncidentsRead.readIncidents}: the controller's incidents, open first (`plumb incidents`, the TUI). */
export const readIncidents: typeof IncidentsRead.readIncidents = async (opts) => (await import('./correlate/read-incidents.js')).readIncidents(opts);
/** {@link ControllerOp.startController}: the reconciliation loop, built on the operations above. */
export const startController: typeof ControllerOp.startController = async (opts) => (await import('./reconcile/start-controller.js')).startController(opts);
/** {@link LoggerOp.createControllerLogger}: the controller's JSON logger (pino). */
export const createControllerLogger = async (
  ...args: Parameters<typeof LoggerOp.createControllerLogger>
): Promise<ReturnType<typeof LoggerOp.createControllerLogger>> => (await import('./reconcile/logger.js')).createControllerLogger(...args);
/** {@link GitSourceOp.createGitUrlSource}: a remote Git repository the controller follows. */
export const createGitUrlSource = async (
  ...args: Parameters<typeof GitSourceOp.createGitUrlSource>
): Promise<ReturnType<typeof GitSourceOp.createGitUrlSource>> => (await import('./sources/git-url-source.js')).createGitUrlSource(...args);
/** {@link PathSourceOp.createLocalPathSource}: a local directory the controller watches. */
export const createLocalPathSource = async (
  ...args: Parameters<typeof PathSourceOp.createLocalPathSource>
): Promise<ReturnType<typeof PathSourceOp.createLocalPathSource>> => (await import('./sources/local-path-source.js')).createLocalPathSource(...args);
/** {@link PathSourceOp.watchDesiredState}: a file watcher of what plumb reads as desired state (`plumb tui --watch`; the controller's local source). */
export const watchDesiredState = async (
  ...args: Parameters<typeof PathSourceOp.watchDesiredState>
): Promise<ReturnType<typeof PathSourceOp.watchDesiredState>> => (await import('./sources/local-path-source.js')).watchDesiredState(...args);

export type { DesiredStateWatcher } from './sources/local-path-source.js';
export type { ValidateOptions, ValidateResult } from './operations/validate.js';
export type { GraphOptions, GraphResult } from './operations/graph.js';
export type { ImpactOptions, ImpactResult, WhyOptions, WhyResult } from './operations/impact.js';
export type { PlanOptions, PlanResult, ValidatedDesiredState } from './operations/plan.js';
export type { OpenProvider, ProviderContext } from './providers/registry.js';
export type { ReviewOptions, ReviewResult } from './operations/review.js';
export type { DiscoverOptions, DiscoverResult } from './operations/discover.js';
export type { ApplyOptions, OpenContext } from './operations/apply.js';
export type { BackupList, BackupOptions, BackupResult } from './operations/backup.js';
export type { RestoreOptions } from './operations/restore.js';
export type { RunCapacityOptions, RunCapacityResult } from './operations/run-capacity.js';
export type { Series, SignalReport } from './capacity/types.js';
export type { DesiredState, RepositoryLocation } from './operations/desired-state.js';
export type { ControllerOptions, RunningController } from './reconcile/start-controller.js';
export type { ControllerLogger } from './reconcile/logger.js';
export type { CorrelatedIncident } from './incidents/types.js';
export type { Source } from './sources/types.js';
export { withSelection } from './operations/with-selection.js';
export type { ApplyContext } from './apply/open-targets.js';
/** {@link BuildGraph.buildGraph}: the CI graph of a set of CIs (loads graphology on first call). */
export const buildGraph = async (...args: Parameters<typeof BuildGraph.buildGraph>): Promise<ReturnType<typeof BuildGraph.buildGraph>> =>
  (await import('./graph/build-graph.js')).buildGraph(...args);
/** {@link LoadConfigOp.locateRepository}: the repository of `--repo DIR`, else the nearest plumb.yaml upwards (`config.not-found` when none). */
export const locateRepository: typeof LoadConfigOp.locateRepository = async (at) => (await import('./config/load-config.js')).locateRepository(at);
/** {@link ReadStatusOp.readControllerStatus}: the controller's status, from its /status endpoint or its ConfigMap, with sync and health. */
export const readControllerStatus: typeof ReadStatusOp.readControllerStatus = async (at) =>
  (await import('./reconcile/read-status.js')).readControllerStatus(at);
export type { ControllerStatusReport, StatusLocation } from './reconcile/read-status.js';
export { renderStatusText } from './reconcile/status-text.js';
/** {@link CompleteOp.completionNames}: CI ids, targets, backup ids or contexts, for shell completion. */
export const completionNames: typeof CompleteOp.completionNames = async (kind, at) => (await import('./operations/complete.js')).completionNames(kind, at);
export type { CompletionKind } from './operations/complete.js';
export { simulateImpact } from './impact/simulate.js';
/** {@link ReadPlanFile.readPlanFile}: a plan file written by `plan --out`, verified. */
export const readPlanFile: typeof ReadPlanFile.readPlanFile = async (path) => (await import('./apply/read-plan-file.js')).readPlanFile(path);
export { writeFileAtomic } from './providers/atomic-write.js';
export { flushGuardedStreams, guardStream } from './redact/guard-stream.js';
export { cacheWarnings, setCacheWarningSink, warnCacheOnce } from './cache/cache-warnings.js';
export { knownSecretValues, registerSecretValues, scrubDeep, scrubText } from './redact/scrubber.js';

// the render cache (engine/render): shared by every load of a process; the TUI hands it from worker to worker
/** {@link RenderStage.defaultRenderCache}, once the render stage is loaded. */
export const defaultRenderCache = async (): Promise<typeof RenderStage.defaultRenderCache> => (await import('./render/render-stage.js')).defaultRenderCache;
export type { RenderedUnit } from './render/render-stage.js';
export type { RenderOutput } from './render/render-unit.js';

// renderers (pure: result → text). Those that need `yaml` or `diff` are loaded on first call, like the
// operations: a command that does not render a plan does not load them (start-up time)
export { renderDiagnosticsText, renderPlanText } from './report/plan-text.js';
/** {@link PlanJson.renderPlanJson}: a plan as JSON. */
export const renderPlanJson = async (...args: Parameters<typeof PlanJson.renderPlanJson>): Promise<string> =>
  (await import('./report/plan-json.js')).renderPlanJson(...args);
export { PLAN_FORMATS, type PlanFormat } from './report/plan-formats.js';
/** {@link PlanOutput.renderPlanOutput}: a plan (or review) in one of {@link PLAN_FORMATS}. */
export const renderPlanOutput = async (...args: Parameters<typeof PlanOutput.renderPlanOutput>): Promise<string> =>
  (await import('./report/plan-output.js')).renderPlanOutput(...args);
/** {@link PlanOutput.renderPlanOutputChunks}: the same text in pieces, for a stream. */
export const renderPlanOutputChunks = async (...args: Parameters<typeof PlanOutput.renderPlanOutputChunks>): Promise<Iterable<string>> =>
  (await import('./report/plan-output.js')).renderPlanOutputChunks(...args);
export { toSarif } from './report/sarif.js';
export { diagnosticsJson, type DiagnosticJson } from './report/diagnostics-json.js';
/** {@link DiagnosticsOutput.renderFailureOutput}: the document a format gets when the command has no result. */
export const renderFailureOutput = async (...args: Parameters<typeof DiagnosticsOutput.renderFailureOutput>): Promise<string> =>
  (await import('./report/diagnostics-output.js')).renderFailureOutput(...args);
export type { FailureJson } from './report/diagnostics-output.js';
export { toValidateJson } from './report/validate-json.js';
export { renderValidateText } from './report/validate-text.js';
export { secretKinds, sensitiveLines } from './validate/sensitive-lines.js';
export { graphToDot } from './report/graph-dot.js';
export { graphToJson } from './report/graph-json.js';
export { graphToMermaid } from './report/graph-mermaid.js';
export { renderImpactText } from './report/impact-text.js';
export { toImpactJson } from './impact/impact-json.js';
export { renderWhyText } from './report/why-text.js';
export { inert, inertBlock, inertDeep } from './report/inert.js';
export { renderIncidentsText } from './report/incidents-text.js';
export { capacityJson, renderCapacityText } from './report/capacity-text.js';
export { signalChartPng, signalChartSvg } from './capacity/chart.js';
/** {@link Recorded.toRecording} then {@link Recorded.stringifyRecording}: `capacity --record`'s file. */
export const recordingText = async (...args: Parameters<typeof Recorded.toRecording>): Promise<string> => {
  const { stringifyRecording, toRecording } = await import('./capacity/recorded.js');
  return stringifyRecording(toRecording(...args));
};

// values and rules front ends share
export { PlumbError, isPlumbError } from './model/errors.js';
export { CODES, isCode, type Code, type DiagnosticCode } from './model/codes.js';
export { hasErrors, sortDiagnostics, type Diagnostic, type Severity } from './model/diagnostic.js';
export { parseDuration, toMilliseconds } from './model/duration.js';
export { refToId } from './model/reference.js';
export { didYouMean } from './model/did-you-mean.js';
export { blocks, denials, isDenied } from './policy/denied.js';
export { orderingOf } from './plan/ordering.js';
export { invalidReachEntry, setOperatorReach } from './network/reach-policy.js';

// types of results
export type { CI } from './model/ci.js';
export type { ImpactState } from './model/relations.js';
export type { Plan, PlannedChange, PolicyResult, ImpactSummary, ChangeAction, PatchOp } from './plan/types.js';
export type { CIGraph } from './graph/types.js';
export type { CIDocument } from './plan/ci-documents.js';
export type { ImpactEvent } from './impact/simulate.js';
export type { PlumbConfig } from './config/types.js';
export type { LoadedRepository } from './load/types.js';
export type { InventoryPolicyReport } from './policy/evaluate-inventory.js';
export type { ApplyHooks } from './apply/hooks.js';
export type { ApplyReport, ChangeOutcome, ChangeResult } from './apply/types.js';
export type { RestoreReport } from './apply/restore-backup.js';
export type { BackupManifest, CorruptBackup } from './backup/types.js';
export type { Provider, WatchEvent } from './providers/contract.js';
