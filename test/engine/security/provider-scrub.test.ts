import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../engine/providers/contract.js';
import { scrubbingProvider } from '../../../engine/providers/scrubbing-provider.js';

const PIN = 'pin-value-918273';
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, stringData: { PIN } };

describe('what comes back from a target is scrubbed in every encoding', () => {
  // attack: a Kubernetes API error echoing a Secret value (`.stringData.PIN: expected string, got …918273`) reached SARIF
  it('scrubs raw, JSON-escaped and base64 forms from apply and discover diagnostics and thrown errors', async () => {
    const echo = (text: string) => [
      { severity: 'error' as const, code: 'kubernetes.invalid' as const, message: text, hint: `value was ${Buffer.from(PIN).toString('base64')}` },
    ];
    const inner: Provider = {
      name: 'kubernetes',
      discover: async () => ({ observed: [], diagnostics: echo(`list failed: ${JSON.stringify({ stringData: { PIN } })}`) }),
      apply: async () => ({ ok: false, diagnostics: echo(`Secret "s" is invalid: .stringData.PIN: expected string, got ${PIN}`) }),
      health: async () => {
        throw new Error(`health exploded near ${PIN}`);
      },
    };
    const provider = scrubbingProvider(inner);
    const applied = await provider.apply!(
      { change: { id: 'secret:shop/s', action: 'create' } as never, desired: secret, dryRun: false },
      new AbortController().signal,
    );
    const discovered = await provider.discover({ desired: [] }, new AbortController().signal);
    const thrown = await provider.health!({ ids: [], timeoutMs: 1 }, new AbortController().signal).catch((e: Error) => e.message);
    const text = JSON.stringify([applied, discovered, thrown]);
    expect(text).not.toContain('918273');
    expect(text).not.toContain(Buffer.from(PIN).toString('base64'));
    expect(applied.diagnostics[0].message).toBe('Secret "s" is invalid: .stringData.PIN: expected string, got (sensitive)');
  });
});
