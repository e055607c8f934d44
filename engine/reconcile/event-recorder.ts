import { randomBytes } from 'node:crypto';
import { scrubText } from '../redact/scrubber.js';
import type { JsonApi } from '../leader/lease-api.js';
import { STATUS_CONFIGMAP } from './status-configmap.js';

export type EventReason =
  | 'ApplySucceeded'
  | 'ApplyFailed'
  | 'DriftDetected'
  | 'ReconcileFailed'
  | 'InvalidRevision'
  | 'PolicyDenied'
  | 'PruneRefused'
  | 'LeaderElected';

/**
 * Records core/v1 Events about the controller's work, on the status
 * ConfigMap (the object `kubectl describe cm plumb-status` shows them with).
 * The same reason and message are not recorded twice in a row: a drift that
 * lasts an hour is one Event, not sixty. Recording is best effort — a failed
 * Event never fails a reconcile — and errors go to `onError`.
 */
export class EventRecorder {
  private readonly last = new Map<EventReason, string>();

  constructor(
    private readonly api: JsonApi,
    private readonly namespace: string,
    private readonly component: string,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  async record(type: 'Normal' | 'Warning', reason: EventReason, message: string, signal?: AbortSignal): Promise<void> {
    if (this.last.get(reason) === message) return;
    this.last.set(reason, message);
    const now = new Date();
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${STATUS_CONFIGMAP}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`, namespace: this.namespace },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: STATUS_CONFIGMAP, namespace: this.namespace },
      reason,
      message: scrubText(message).slice(0, 1024),
      type,
      source: { component: this.component },
      firstTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      lastTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      count: 1,
    };
    try {
      await this.api.call({ method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/events`, body, signal });
    } catch (e) {
      this.last.delete(reason);
      this.onError(e);
    }
  }

  /** Forgets a reason's last message, so the next one is recorded even if equal (e.g. drift cleared, then back). */
  reset(reason: EventReason): void {
    this.last.delete(reason);
  }
}
