import { KubeClient } from '../providers/kubernetes/kube-client.js';
import { kubeConfigFound, loadKubeConfig, type KubeConfigOptions } from '../providers/kubernetes/kube-config.js';
import { LeaseElector } from '../leader/lease-elector.js';
import { createControllerMetrics, type ControllerMetrics } from '../metrics/controller-metrics.js';
import type { Source } from '../sources/types.js';
import { startControllerServer } from './controller-server.js';
import { DriftWatch } from './drift-watch.js';
import { EventRecorder } from './event-recorder.js';
import { repeatingWarning, type ControllerLogger } from './logger.js';
import { Monitor } from './monitoring/monitor.js';
import { ReconcileLoop } from './reconcile-loop.js';
import { Reconciler } from './reconciler.js';
import { writeStatusConfigMap } from './status-configmap.js';
import type { ControllerStatus } from './status.js';

export interface ControllerOptions {
  readonly source: Source;
  /** The controller's own namespace: the Lease, Events and the status ConfigMap live here. */
  readonly namespace: string;
  readonly identity: string;
  readonly leaseName?: string;
  /** Default 15 s. */
  readonly leaseDurationMs?: number;
  /** Set false to run a single replica without a Lease (development). */
  readonly leaderElection?: boolean;
  /** Reconcile (and poll) interval; default 60 s. */
  readonly intervalMs?: number;
  /** `host:port` of the HTTP endpoints; default 127.0.0.1:8080. */
  readonly listen?: string;
  readonly webhookSecret?: string;
  /**
   * How the controller reaches its own API server (Lease, Events, status).
   * When no kubeconfig is found at all ({@link kubeConfigFound}: no flag, no
   * `$KUBECONFIG`, no `~/.kube/config`, no ServiceAccount), the controller runs
   * without a cluster: one replica, no leader election, no Events, no status
   * ConfigMap (`/status` still serves the status), and logs so once.
   */
  readonly kube: KubeConfigOptions;
  /** `--kubeconfig`/`--context` passed to the providers. */
  readonly cliSettings?: Readonly<Record<string, unknown>>;
  readonly logger: ControllerLogger;
  readonly backoff?: { baseMs: number; maxMs: number };
  readonly healthTimeoutMs?: number;
  /** Where incident state and the notification outbox live; overrides plumb.yaml `notifications.stateDir`. */
  readonly stateDir?: string;
}

export interface RunningController {
  /** The HTTP endpoints' `host:port`. */
  readonly address: string;
  readonly reconciler: Reconciler;
  readonly metrics: ControllerMetrics;
  isLeader(): boolean;
  /** Stops the loop (the reconcile in flight finishes and reports), releases the lease, closes the server. */
  stop(): Promise<void>;
}

/**
 * Wires the reconciliation loop together: the Lease elector decides who
 * reconciles; the loop runs the reconciler on the source's changes, the
 * webhook, drift watch events and the interval; the HTTP server serves health,
 * readiness, metrics and the webhook. Readiness: a leader is ready once its
 * first reconcile finished; a follower once it has been through an election
 * round (it is standing by, and a rollout must not wait for a lease it cannot
 * get).
 */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { logger: log, namespace } = options;
  const clustered = kubeConfigFound(options.kube);
  const kc = clustered ? loadKubeConfig(options.kube) : undefined;
  // lease calls must fail fast (a renewal that waits out retries is a lost lease); status and Events retry a little
  const leaseApi = kc && new KubeClient(kc, { attempts: 1, baseMs: 100, maxMs: 100 }, 2);
  const api = kc && new KubeClient(kc, { attempts: 3, baseMs: 200, maxMs: 2000, maxRetryAfterMs: 5000 }, 4);
  const metrics = createControllerMetrics();
  const events = api && new EventRecorder(api, namespace, 'plumb-controller', (e) => log.warn({ err: (e as Error).message }, 'cannot record an Event'));
  let loop: ReconcileLoop | undefined;
  const drift = new DriftWatch(
    (e) => {
      log.info({ ci: e.id, type: e.type }, 'watch event on a managed object');
      loop?.trigger('drift');
    },
    options.cliSettings,
    (e) => log.warn({ err: (e as Error).message }, 'cannot watch for drift'),
  );

  const leaseErrors = repeatingWarning(log, 'leader election call failed');
  const elector =
    options.leaderElection === false || !leaseApi
      ? undefined
      : new LeaseElector({
          api: leaseApi,
          namespace,
          name: options.leaseName ?? 'plumb-controller',
          identity: options.identity,
          leaseDurationMs: options.leaseDurationMs,
          onStartedLeading: () => {
            metrics.leader.set(1);
            leaseErrors.reset();
            log.info({ identity: options.identity }, 'became the leader');
            void events?.record('Normal', 'LeaderElected', `${options.identity} became the leader`);
            loop?.trigger('leader-elected');
          },
          onStoppedLeading: (reason) => {
            metrics.leader.set(0);
            drift.close();
            log.warn({ identity: options.identity, reason }, 'stopped leading');
          },
          // an API server that is down fails every retry period: said once a minute, not every 3 s
          onError: (e) => leaseErrors.warn((e as Error).message),
        });
  const isLeader = () => (elector ? elector.isLeader() : true);
  if (!elector) metrics.leader.set(1);

  // probes, incidents and notifications after each reconcile of the leader; the outbox delivers in the background
  const monitor = new Monitor({
    logger: log,
    registry: metrics.registry,
    cliSettings: options.cliSettings,
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
  });
  const reconciler = new Reconciler({
    source: options.source,
    identity: options.identity,
    isLeader,
    metrics,
    logger: log,
    ...(events ? { events } : {}),
    cliSettings: options.cliSettings,
    backoff: options.backoff,
    apply: { healthTimeoutMs: options.healthTimeoutMs },
    ...(api ? { writeStatus: (status: ControllerStatus) => writeStatus(status) } : {}),
    onDesiredState: (desired) => drift.follow(desired),
    onReconciled: async (round) => {
      await monitor.round(round);
      // the round may have opened or resolved incidents: the status says so now, not a reconcile later
      if (api && isLeader() && JSON.stringify(withIncidents(round.status).incidents) !== written) {
        await writeStatus(round.status).catch((e) => log.warn({ err: (e as Error).message }, 'cannot write the status ConfigMap'));
      }
    },
  });
  /** The status with the monitor's open incidents, as the ConfigMap and GET /status show it. */
  function withIncidents(status: ControllerStatus): ControllerStatus {
    const items = monitor.openIncidents();
    return { ...status, incidents: { open: items.length, items } };
  }
  let written: string | undefined;
  async function writeStatus(status: ControllerStatus): Promise<void> {
    const full = withIncidents(status);
    await writeStatusConfigMap(api!, namespace, full);
    written = JSON.stringify(full.incidents);
  }
  loop = new ReconcileLoop(
    async (trigger, signal) => {
      const outcome = await reconciler.reconcile(trigger, signal);
      return outcome.result === 'transient' ? { retryInMs: outcome.retryInMs } : {};
    },
    options.intervalMs ?? 60_000,
    (e) => log.error({ err: (e as Error).message }, 'reconcile crashed'),
  );

  const server = await startControllerServer({
    listen: options.listen ?? '127.0.0.1:8080',
    registry: metrics.registry,
    healthy: () => true,
    ready: () => (isLeader() ? reconciler.completed > 0 : elector ? elector.rounds > 0 : false),
    status: () => ({ ...withIncidents(reconciler.status), leader: isLeader() }),
    webhookSecret: options.webhookSecret,
    onWebhook: () => {
      log.info('git webhook received');
      loop?.trigger('webhook');
    },
  });
  const stopWatching = options.source.watch?.(() => loop?.trigger('source'));
  log.info({ address: server.address, source: options.source.description, namespace, identity: options.identity }, 'controller started');
  if (!clustered) {
    log.warn(
      { address: server.address },
      'no kubeconfig found (--kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster ServiceAccount): running without a cluster — one replica, no leader election, no Events, no status ConfigMap; the status is at /status',
    );
  }
  if (elector) elector.start();
  else loop.trigger('start');

  return {
    address: server.address,
    reconciler,
    metrics,
    isLeader,
    async stop() {
      stopWatching?.();
      await loop?.stop();
      await monitor.stop();
      drift.close();
      await elector?.stop();
      await server.close();
      await options.source.close?.();
      leaseApi?.close();
      api?.close();
      log.info('controller stopped');
    },
  };
}
