import { isAbsolute, join, resolve } from 'node:path';
import { loadValidConfig, locateRepository } from '../config/load-config.js';
import { validateNotifications } from '../config/notifications.js';
import type { CorrelatedIncident } from '../incidents/types.js';
import { readCorrelatorState } from './state.js';

/**
 * The incidents the controller's correlator keeps, for `plumb incidents` and
 * the TUI: `<stateDir>/incidents.json`, where stateDir is `stateDir` when
 * given, else plumb.yaml's `notifications.stateDir` (default
 * `.plumb/incidents`, relative to the repository root). Open incidents first
 * (oldest first), then resolved ones (most recent first) unless `openOnly`.
 * No state file: none. Errors: `incidents.bad-state`, `incidents.state-unreadable`;
 * a broken plumb.yaml is refused as plan refuses it (`config.invalid`, `yaml.syntax`, …).
 */
export async function readIncidents(opts: {
  readonly root?: string;
  readonly cwd?: string;
  readonly stateDir?: string;
  readonly openOnly?: boolean;
}): Promise<{ incidents: CorrelatedIncident[]; path: string }> {
  let dir = opts.stateDir ? resolve(opts.cwd ?? process.cwd(), opts.stateDir) : undefined;
  if (!dir) {
    const root = await locateRepository({ ...(opts.root !== undefined ? { repo: opts.root } : {}), cwd: opts.cwd ?? process.cwd() });
    const config = await loadValidConfig({ root });
    const { settings } = validateNotifications(config.notifications);
    dir = isAbsolute(settings.stateDir) ? settings.stateDir : join(root, settings.stateDir);
  }
  const path = join(dir, 'incidents.json');
  const state = await readCorrelatorState(path);
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const open = state.incidents.filter((i) => i.status === 'open').sort((a, b) => compare(a.firstSeen, b.firstSeen) || compare(a.dedupeKey, b.dedupeKey));
  const resolved = opts.openOnly ? [] : state.incidents.filter((i) => i.status === 'resolved').sort((a, b) => compare(b.resolvedAt ?? '', a.resolvedAt ?? ''));
  return { incidents: [...open, ...resolved], path };
}
