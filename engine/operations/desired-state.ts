import { resolve } from 'node:path';
import type { PlumbConfig } from '../config/types.js';
import { loadValidConfig, locateRepository, refuseBrokenConfig } from '../config/load-config.js';
import { renderCapabilitiesFromTarget } from '../plan/render-capabilities.js';
import type { OpenProvider } from '../providers/registry.js';
import { loadRepository } from '../load/load-repository.js';
import type { CI } from '../model/ci.js';

/**
 * The desired state an operation that writes works from: the repository root,
 * its plumb.yaml, and (when secrets must be filled back in) its CIs. Callers
 * that already loaded it (after `plan()`, the TUI, the controller) pass it;
 * otherwise it is read here.
 */
export interface DesiredState {
  readonly root: string;
  readonly config: PlumbConfig;
  /** The desired CIs; absent when only plumb.yaml was read. */
  readonly cis?: readonly CI[];
  /** Git revision (or `worktree`) they were read from. */
  readonly revision?: string | null;
}

/** Where an operation finds the repository when no DesiredState is given. */
export interface RepositoryLocation {
  /** Repository directory (default: found upwards from `cwd` by plumb.yaml). */
  readonly repo?: string;
  readonly cwd?: string;
}

/** The repository's root directory, by the one rule of {@link locateRepository} (`load.repo-not-found`, `config.not-found`). */
export async function repositoryRoot(at: RepositoryLocation): Promise<string> {
  return locateRepository(at);
}

/** The desired CIs and config at `rev` (`worktree` or absent: the work tree); a broken plumb.yaml is refused ({@link refuseBrokenConfig}). */
export async function loadDesired(
  at: RepositoryLocation,
  rev?: string | null,
  /** `--kubeconfig`/`--context`: given, charts render for the Kubernetes target's version and API versions, as plan did. */
  cliSettings?: Readonly<Record<string, unknown>>,
  /** Opens the target's provider for that question (default the registry's). */
  openProvider?: OpenProvider,
): Promise<Required<Pick<DesiredState, 'root' | 'config' | 'cis'>> & DesiredState> {
  const repo = await loadRepository({
    repo: at.repo,
    cwd: at.cwd ?? process.cwd(),
    ...(rev && rev !== 'worktree' ? { rev } : {}),
    ...(cliSettings
      ? {
          targetCapabilities: renderCapabilitiesFromTarget({
            cliSettings: cliSettings as { kubeconfig?: string; context?: string },
            ...(openProvider ? { openProvider } : {}),
          }),
        }
      : {}),
  });
  // a broken plumb.yaml refuses backup, restore and apply as it refuses plan (loadRepository fell back to defaults)
  refuseBrokenConfig(repo.diagnostics);
  return { root: repo.root, config: repo.config, cis: repo.cis, revision: repo.revision };
}

/** Only plumb.yaml (no CIs): what listing backups needs. A broken plumb.yaml is refused ({@link refuseBrokenConfig}). */
export async function loadSettings(at: RepositoryLocation): Promise<DesiredState> {
  const root = await repositoryRoot(at);
  return { root, config: await loadValidConfig({ root }) };
}
