import type { Diagnostic } from '../model/diagnostic.js';
import { registerSecretsOf, secretScrubber } from '../redact/scrubber.js';
import type { Provider, ProviderAnswer } from './contract.js';

/**
 * Every provider answer passes here on its way into plumb: the secrets of a
 * request (the desired document of an apply, the desired CIs of a discover)
 * and of what was observed (a Secret read from the cluster, a snapshot) are
 * registered with the process-wide scrubber, and every diagnostic and health
 * message — a plugin's stderr, an API server's error that echoes a field —
 * is scrubbed of every known secret in raw, JSON-escaped and base64 forms
 * before any sink sees it. A thrown error's message is scrubbed the same way.
 */
export function scrubbingProvider(provider: Provider): Provider {
  const guarded = <A extends ProviderAnswer>(answer: A): A => {
    if (answer.diagnostics.length === 0) return answer;
    return { ...answer, diagnostics: answer.diagnostics.map(scrubDiagnostic) };
  };
  const call = async <A extends ProviderAnswer>(run: () => Promise<A>): Promise<A> => {
    try {
      return guarded(await run());
    } catch (e) {
      if (e instanceof Error) e.message = secretScrubber.scrub(e.message);
      throw e;
    }
  };
  // the documents of a discover come back in its diffs (each desired CI's, and a kept dry-run answer that is the live
  // object itself): their secrets are registered once, not again per call (~500 walks a steady-state plan of 500 objects)
  const registered = new WeakSet<object>();
  const registerOnce = (object: Readonly<Record<string, unknown>> | undefined) => {
    if (object === undefined || registered.has(object)) return;
    registerSecretsOf(object);
    registered.add(object);
  };
  const wrapped: Provider = {
    name: provider.name,
    readOnly: provider.readOnly,
    discover: (req, signal) =>
      call(async () => {
        for (const ci of req.desired) registerOnce(ci.object);
        const answer = await provider.discover(req, signal);
        for (const o of answer.observed) registerOnce(o.object);
        return answer;
      }),
  };
  if (provider.diff)
    wrapped.diff = (req, signal) =>
      call(async () => {
        registerOnce(req.desired.object);
        const answer = await provider.diff!(req, signal);
        registerOnce(answer.projected);
        return answer;
      });
  if (provider.apply)
    wrapped.apply = (req, signal) =>
      call(async () => {
        registerSecretsOf(req.desired);
        const answer = await provider.apply!(req, signal);
        registerSecretsOf(answer.observed?.object);
        return answer;
      });
  if (provider.cascade)
    wrapped.cascade = (req, signal) =>
      call(async () => {
        const answer = await provider.cascade!(req, signal);
        for (const list of answer.cascades.values()) for (const o of list) registerSecretsOf(o.object);
        return answer;
      });
  if (provider.capabilities) wrapped.capabilities = (signal) => call(() => provider.capabilities!(signal));
  if (provider.backup) wrapped.backup = (req, signal) => call(() => provider.backup!(req, signal));
  if (provider.restore) wrapped.restore = (req, signal) => call(() => provider.restore!(req, signal));
  if (provider.health)
    wrapped.health = (req, signal) =>
      call(async () => {
        const answer = await provider.health!(req, signal);
        return { ...answer, results: answer.results.map((r) => (r.message ? { ...r, message: secretScrubber.scrub(r.message) } : r)) };
      });
  if (provider.watch)
    wrapped.watch = (req, onEvent) =>
      provider.watch!(req, (e) => {
        registerSecretsOf(e.object);
        onEvent(e);
      });
  if (provider.prepare) wrapped.prepare = (signal) => provider.prepare!(signal);
  if (provider.close) wrapped.close = () => provider.close!();
  return wrapped;
}

/** A diagnostic with every text field scrubbed. */
export function scrubDiagnostic(d: Diagnostic): Diagnostic {
  const message = secretScrubber.scrub(d.message);
  const hint = d.hint === undefined ? undefined : secretScrubber.scrub(d.hint);
  if (message === d.message && hint === d.hint && !d.related?.length) return d;
  return {
    ...d,
    message,
    ...(hint === undefined ? {} : { hint }),
    ...(d.related ? { related: d.related.map((r) => (r.message ? { ...r, message: secretScrubber.scrub(r.message) } : r)) } : {}),
  };
}
