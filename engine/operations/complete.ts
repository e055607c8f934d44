import { loadKubeConfig } from '../providers/kubernetes/kube-config.js';
import { loadRepository } from '../load/load-repository.js';
import { listBackups } from './backup.js';
import { loadSettings, type RepositoryLocation } from './desired-state.js';

/** What a shell completion asks for: the repository's CIs, its targets, its backups, or the kubeconfig's contexts. */
export type CompletionKind = 'ci' | 'target' | 'backup' | 'context';

/**
 * The names `plumb __complete` offers for one kind of argument, sorted: CI
 * identities (the work tree's, loaded without validation), plumb.yaml's target
 * names, backup ids (oldest first, then `latest`), or kubeconfig contexts.
 * Never throws: a completion that cannot look (no repository, no kubeconfig)
 * offers nothing, and the shell falls back to file names.
 */
export async function completionNames(kind: CompletionKind, at: RepositoryLocation & { readonly kubeconfig?: string }): Promise<string[]> {
  try {
    switch (kind) {
      case 'ci':
        return (await loadRepository({ repo: at.repo, cwd: at.cwd ?? process.cwd() })).cis.map((c) => c.id).sort();
      case 'target':
        return Object.keys((await loadSettings(at)).config.targets).sort();
      case 'backup': {
        const { backups } = await listBackups(at);
        return [...backups.map((b) => b.id), ...(backups.length ? ['latest'] : [])];
      }
      case 'context':
        return loadKubeConfig({ kubeconfig: at.kubeconfig })
          .getContexts()
          .map((c) => c.name)
          .sort();
    }
  } catch {
    return [];
  }
}
