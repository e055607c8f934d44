import type { PlumbConfig } from '../config/types.js';
import { PlumbError } from '../model/errors.js';
import { didYouMeanHint } from '../model/did-you-mean.js';

/**
 * The targets a plan runs against: the one asked for (`--target`), else the
 * config's `defaultTarget`, else all of them. A plan needs an actual state to
 * compare with, so a repository without targets is an error with a hint
 * rather than a "desired-only" plan that would list every CI as a create
 * (`plumb review` is the command that compares Git with Git).
 */
export function selectTargets(config: PlumbConfig, requested?: string): string[] {
  const names = Object.keys(config.targets);
  if (requested !== undefined) {
    if (!config.targets[requested]) {
      throw new PlumbError('plan.unknown-target', `no target named ${requested} in plumb.yaml`, {
        hint: didYouMeanHint(requested, names, names.length ? `known targets: ${names.join(', ')}` : 'add a target under `targets:` in plumb.yaml'),
        data: { target: requested, known: names },
      });
    }
    return [requested];
  }
  if (names.length === 0) {
    throw new PlumbError('plan.no-targets', 'plumb.yaml declares no targets to plan against', {
      hint: 'add one under `targets:`, e.g. `targets: {recorded: {provider: snapshot, path: observed/snapshot.yaml}}`, or use `plumb review` to compare two revisions',
    });
  }
  if (config.defaultTarget !== undefined && config.targets[config.defaultTarget]) return [config.defaultTarget];
  return names;
}
