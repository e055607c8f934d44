import { readFileSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import type { HealthEvent } from '../events.js';

/** A warning and/or critical level for one host fact (`spec.thresholds` of a Host CI). */
export interface Threshold {
  readonly warning?: number;
  readonly critical?: number;
}

/**
 * `spec.thresholds` of a Host CI (schemas/Host.schema.json):
 *
 * ```yaml
 * spec:
 *   thresholds:
 *     load1PerCpu: {warning: 1.5, critical: 4}       # 1-minute load average / CPUs
 *     memoryUsedPercent: {warning: 85, critical: 97} # (total - available) / total
 *     diskUsedPercent: {warning: 80, critical: 95}   # of the file system of `diskPath`
 *     diskPath: /var/lib                             # default /
 * ```
 * A fact at or over `critical` is a `major` event (the host is treated as
 * failing: what runs on it is explained by it), over `warning` a `warning`.
 */
export interface HostThresholds {
  readonly load1PerCpu?: Threshold;
  readonly memoryUsedPercent?: Threshold;
  readonly diskUsedPercent?: Threshold;
  readonly diskPath?: string;
}

/** The facts thresholds are compared with; read on demand. */
export interface HostUsage {
  readonly load1PerCpu: number;
  readonly memoryUsedPercent: number;
  readonly diskUsedPercent: (path: string) => number | undefined;
}

/** This machine's usage: load from os.loadavg, memory from /proc/meminfo MemAvailable (os.freemem elsewhere), disk from statfs. */
export function readHostUsage(): HostUsage {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const total = os.totalmem();
  let available = os.freemem();
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) available = Number(m[1]) * 1024;
  } catch {
    // not Linux: MemFree is the best there is
  }
  return {
    load1PerCpu: os.loadavg()[0] / Math.max(1, cpus),
    memoryUsedPercent: total > 0 ? ((total - available) / total) * 100 : 0,
    diskUsedPercent: (path) => {
      try {
        const s = statfsSync(path);
        const used = s.blocks - s.bfree;
        const usable = used + s.bavail;
        return usable > 0 ? (used / usable) * 100 : 0;
      } catch {
        return undefined;
      }
    },
  };
}

const FACTS = [
  ['load1PerCpu', 'load-high', '1-minute load per cpu', ''],
  ['memoryUsedPercent', 'memory-high', 'memory used', '%'],
  ['diskUsedPercent', 'disk-full', 'disk used', '%'],
] as const;

/**
 * Host facts against the thresholds declared on the CI: one event per fact
 * with a threshold (kinds `load-high`, `memory-high`, `disk-full`), `cleared`
 * when under both levels. The detail names the level crossed, rounded, so a
 * fact wobbling within a band does not send updates.
 */
export function hostEvents(ci: string, thresholds: HostThresholds | undefined, usage: HostUsage, time: string): HealthEvent[] {
  if (!thresholds) return [];
  const out: HealthEvent[] = [];
  for (const [fact, kind, label, unit] of FACTS) {
    const t = thresholds[fact];
    if (!t) continue;
    const value = fact === 'diskUsedPercent' ? usage.diskUsedPercent(thresholds.diskPath ?? '/') : usage[fact];
    if (value === undefined) continue;
    const base = { ci, kind, time, source: 'host' };
    const where = fact === 'diskUsedPercent' ? ` on ${thresholds.diskPath ?? '/'}` : '';
    if (t.critical !== undefined && value >= t.critical)
      out.push({ ...base, severity: 'major', detail: `${label}${where} at or over ${t.critical}${unit} (critical)` });
    else if (t.warning !== undefined && value >= t.warning)
      out.push({ ...base, severity: 'warning', detail: `${label}${where} at or over ${t.warning}${unit} (warning)` });
    else out.push({ ...base, severity: 'cleared', detail: 'under its thresholds' });
  }
  return out;
}
