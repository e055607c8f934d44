import type { Provider } from './contract.js';

/**
 * A provider whose implementation is imported on first use, so that loading
 * the registry does not load every provider's dependencies. Creating the real
 * provider may throw a PlumbError (a bad kubeconfig…): it surfaces from the
 * first call, as it would have from `createProvider`.
 */
export function lazyProvider(name: string, create: () => Promise<Provider>): Provider {
  let real: Promise<Provider> | undefined;
  const get = () => (real ??= create());
  return {
    name,
    discover: async (req, signal) => (await get()).discover(req, signal),
    diff: async (req, signal) => {
      const p = await get();
      return p.diff ? p.diff(req, signal) : { diagnostics: [] };
    },
    capabilities: async (signal) => {
      const p = await get();
      return p.capabilities ? p.capabilities(signal) : { diagnostics: [] };
    },
    apply: async (req, signal) => {
      const p = await get();
      if (!p.apply) return { ok: false, diagnostics: [{ severity: 'error', code: 'provider.read-only', message: `provider ${name} cannot apply` }] };
      return p.apply(req, signal);
    },
    cascade: async (req, signal) => {
      const p = await get();
      return p.cascade ? p.cascade(req, signal) : { cascades: new Map(), diagnostics: [] };
    },
    backup: async (req, signal) => {
      const p = await get();
      return p.backup
        ? p.backup(req, signal)
        : { artifacts: [], diagnostics: [{ severity: 'error', code: 'provider.no-backup', message: `provider ${name} cannot back up` }] };
    },
    restore: async (req, signal) => {
      const p = await get();
      return p.restore
        ? p.restore(req, signal)
        : { ok: false, restored: [], diagnostics: [{ severity: 'error', code: 'provider.no-restore', message: `provider ${name} cannot restore` }] };
    },
    health: async (req, signal) => {
      const p = await get();
      return p.health ? p.health(req, signal) : { results: req.ids.map((id) => ({ id, healthy: true })), diagnostics: [] };
    },
    watch: (req, onEvent) => {
      let stop: (() => void) | undefined;
      let stopped = false;
      void get().then((p) => {
        if (!stopped && p.watch) stop = p.watch(req, onEvent);
      });
      return () => {
        stopped = true;
        stop?.();
      };
    },
    // the implementation's import starts here too: that is most of what preparing a lazy provider saves
    prepare: (signal) => {
      void get().then(
        (p) => p.prepare?.(signal),
        () => undefined, // a provider that cannot be created says so from its first call
      );
    },
    close: async () => {
      if (real) await (await real).close?.();
    },
  };
}
