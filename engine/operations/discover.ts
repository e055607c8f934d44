import { refuseBrokenConfig } from '../config/load-config.js';
import { loadRepository } from '../load/load-repository.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { PlumbError } from '../model/errors.js';
import type { SnapshotFile } from '../providers/snapshot/read-snapshot.js';
import { recordSnapshot } from '../providers/snapshot/record-snapshot.js';
import { renderSnapshot } from '../providers/snapshot/write-snapshot.js';
import { scrubDeep } from '../redact/scrubber.js';
import type { PlumbConfig } from '../config/types.js';
import { didYouMeanHint } from '../model/did-you-mean.js';

export interface DiscoverOptions {
  readonly repo?: string;
  readonly cwd?: string;
  /** The target to discover; default plumb.yaml's defaultTarget, or its only target. */
  readonly target?: string;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly cliSettings?: { readonly kubeconfig?: string; readonly context?: string };
  /** How `text` is written; default yaml. */
  readonly format?: 'yaml' | 'json';
}

export interface DiscoverResult {
  readonly target: string;
  /** Absent when discovery failed (the diagnostics say why). Secret values are `(sensitive)`. */
  readonly snapshot?: SnapshotFile;
  /**
   * The snapshot as a file in `format`, when there is one, with every known
   * secret (a Secret's value copied into a ConfigMap, a kubeconfig token in
   * an object) scrubbed before it is serialized: the same text whether it
   * goes to stdout (through the output guard) or to `--out`, and never a
   * secret in YAML's own escaped forms.
   */
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `plumb discover`: what one target's provider sees, as a snapshot (the file
 * a `snapshot` target replays). The provider is opened and closed here. No
 * target to choose is PlumbError `discover.unknown-target`,
 * `discover.ambiguous-target` or `discover.no-targets`; a broken plumb.yaml is
 * refused (`config.invalid`, `yaml.syntax`, …: refuseBrokenConfig).
 */
export async function discover(opts: DiscoverOptions = {}): Promise<DiscoverResult> {
  const repo = await loadRepository({ repo: opts.repo, cwd: opts.cwd ?? process.cwd() });
  // the targets come from plumb.yaml: a broken one is refused, not replaced by the defaults' none
  refuseBrokenConfig(repo.diagnostics);
  const target = chooseTarget(repo.config, opts.target);
  const recorded = await recordSnapshot({
    repo,
    target,
    now: opts.now ?? new Date(),
    signal: opts.signal ?? new AbortController().signal,
    cliSettings: opts.cliSettings,
  });
  return { target, ...recorded, ...(recorded.snapshot ? { text: renderSnapshot(scrubDeep(recorded.snapshot), opts.format ?? 'yaml') } : {}) };
}

function chooseTarget(config: PlumbConfig, requested: string | undefined): string {
  const names = Object.keys(config.targets);
  const known = names.length ? `known targets: ${names.join(', ')}` : 'add one under `targets:` in plumb.yaml';
  if (requested !== undefined) {
    if (config.targets[requested]) return requested;
    throw new PlumbError('discover.unknown-target', `no target named ${requested} in plumb.yaml`, { hint: didYouMeanHint(requested, names, known) });
  }
  if (config.defaultTarget && config.targets[config.defaultTarget]) return config.defaultTarget;
  if (names.length === 1) return names[0];
  throw new PlumbError(
    names.length ? 'discover.ambiguous-target' : 'discover.no-targets',
    names.length ? 'plumb.yaml declares several targets; say which to discover' : 'plumb.yaml declares no targets to discover',
    {
      hint: names.length ? `pass --target (${known})` : known,
    },
  );
}
