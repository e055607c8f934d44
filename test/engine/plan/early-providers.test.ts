import { afterEach, describe, expect, it } from 'vitest';
import type { DiscoverRequest, Provider } from '../../../engine/providers/contract.js';
import { runPlan } from '../../../engine/plan/run-plan.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';

/**
 * runPlan opens each target's provider as soon as plumb.yaml is read and asks
 * it to prepare (engine/plan/run-plan.ts, EarlyProviders): the provider that
 * prepared is the one discovery uses, it is prepared before the inventory is
 * validated, and a plan that stops before discovery still closes it.
 */
const PLUMB_YAML = `inventory: ["inventory/**/*.yaml"]
inventoryId: early
targets:
  shop:
    provider: snapshot
    path: observed/snapshot.yaml
defaultTarget: shop
`;
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\ndata: {A: "1"}\n';

let repo: string | undefined;
afterEach(() => repo && removeGitRepo(repo));

/** A stand-in for plumb.yaml's target (openProvider replaces the registry), recording what is asked of it. */
function recordingProvider(events: string[]): () => Provider {
  let n = 0;
  return () => {
    const id = ++n;
    events.push(`open ${id}`);
    return {
      name: 'fake',
      prepare: () => void events.push(`prepare ${id}`),
      discover: async (req: DiscoverRequest) => {
        events.push(`discover ${id} (${req.desired.length} CIs)`);
        return { observed: [], diagnostics: [] };
      },
      close: async () => void events.push(`close ${id}`),
    };
  };
}

describe('providers opened while the repository loads', () => {
  it('the provider that prepared is the one discovery asks, opened once and closed once', async () => {
    repo = makeGitRepo({ 'plumb.yaml': PLUMB_YAML, 'inventory/web.yaml': CONFIG_MAP });
    const events: string[] = [];
    const result = await runPlan({ repo, openProvider: recordingProvider(events) });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.plan?.summary.create).toBe(1);
    expect(events).toEqual(['open 1', 'prepare 1', 'discover 1 (1 CIs)', 'close 1']);
  });

  it('a plan that stops at validation closes the provider it prepared and discovers nothing', async () => {
    repo = makeGitRepo({ 'plumb.yaml': PLUMB_YAML, 'inventory/web.yaml': CONFIG_MAP, 'inventory/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' });
    const events: string[] = [];
    const result = await runPlan({ repo, openProvider: recordingProvider(events) });
    expect(result.plan).toBeUndefined();
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(events).toEqual(['open 1', 'prepare 1', 'close 1']);
  });

  it('a plumb.yaml target whose provider cannot be opened fails at discovery, as without the early open', async () => {
    // roots must be a list of directories: createProvider refuses the setting
    repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML.replace('provider: snapshot\n    path: observed/snapshot.yaml', 'provider: file\n    roots: [""]'),
      'inventory/web.yaml': CONFIG_MAP,
    });
    await expect(runPlan({ repo })).rejects.toMatchObject({ code: 'provider.bad-setting' });
  });
});
