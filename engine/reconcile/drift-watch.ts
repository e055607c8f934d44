import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../providers/managed-label.js';
import type { Provider, WatchEvent } from '../providers/contract.js';
import { createProvider, selectDesired } from '../providers/registry.js';
import type { DesiredState } from './desired-state.js';
import { compareText } from '../model/compare-text.js';

/**
 * Watches the actual state of a desired state's watchable targets (today:
 * `kubernetes`) and calls `onDrift` when an event concerns a CI the revision
 * declares, or a plumb-labelled object it no longer declares (prune). It does
 * not diff: the reconcile it triggers does, and an event of plumb's own apply
 * costs one no-op reconcile. Watches are rebuilt only when the set of watched
 * (target, apiVersion/kind, namespace) changes, not on every revision.
 */
export class DriftWatch {
  private key = '';
  private stops: (() => void)[] = [];
  private providers: Provider[] = [];
  private ids = new Set<string>();

  constructor(
    private readonly onDrift: (event: WatchEvent) => void,
    private readonly cliSettings: Readonly<Record<string, unknown>> = {},
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  follow(desired: DesiredState): void {
    const { config, cis, root } = desired.repo;
    this.ids = new Set(cis.map((ci) => ci.id));
    const plans: { name: string; resources: { apiVersion: string; kind: string }[]; namespaces: string[] }[] = [];
    for (const [name, target] of Object.entries(config.targets)) {
      if (target.provider !== 'kubernetes') continue;
      const owned = selectDesired(target, name, cis);
      const resources = new Map<string, { apiVersion: string; kind: string }>();
      for (const ci of owned) resources.set(`${ci.apiVersion}/${ci.kind}`, { apiVersion: ci.apiVersion, kind: ci.kind });
      const namespaces = [...new Set(owned.map((ci) => ci.namespace).filter((n) => n !== '_cluster'))].sort();
      plans.push({
        name,
        resources: [...resources.values()].sort((a, b) => compareText(`${a.apiVersion}/${a.kind}`, `${b.apiVersion}/${b.kind}`)),
        namespaces,
      });
    }
    const key = JSON.stringify(plans);
    if (key === this.key) return;
    this.close();
    this.key = key;
    for (const p of plans) {
      if (!p.resources.length) continue;
      try {
        const provider = createProvider(p.name, config.targets[p.name], { ...this.cliSettings, root, config });
        if (!provider.watch) continue;
        this.providers.push(provider);
        const watch = provider.watch as (
          req: { selector?: { namespaces?: string[] }; resources?: { apiVersion: string; kind: string }[] },
          cb: (e: WatchEvent) => void,
        ) => () => void;
        this.stops.push(watch.call(provider, { selector: { namespaces: p.namespaces }, resources: p.resources }, (e) => this.event(e)));
      } catch (e) {
        this.onError(e);
      }
    }
  }

  private event(e: WatchEvent): void {
    const labels = (e.object?.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    if (this.ids.has(e.id) || labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) this.onDrift(e);
  }

  close(): void {
    for (const stop of this.stops) stop();
    for (const p of this.providers) void p.close?.();
    this.stops = [];
    this.providers = [];
    this.key = '';
  }
}
