import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** What the host provider knows about the machine it runs on. */
export interface HostFacts {
  readonly hostname: string;
  /** The distribution's PRETTY_NAME from /etc/os-release when there is one (`Ubuntu 24.04.1 LTS`), else `type release`. */
  readonly os: string;
  readonly osType: string;
  readonly osRelease: string;
  readonly arch: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  /** 1, 5 and 15 minute load averages (zeros on Windows). */
  readonly load: readonly [number, number, number];
  readonly uptimeSeconds: number;
  /** Non-internal addresses, IPv4 first, each once. */
  readonly addresses: readonly string[];
}

/** Reads the facts from node:os (and /etc/os-release); cheap, no network. */
export function readHostFacts(): HostFacts {
  const addresses = Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
    .map((a) => a.address);
  const [l1, l5, l15] = os.loadavg();
  return {
    hostname: os.hostname(),
    os: prettyOsName() ?? `${os.type()} ${os.release()}`,
    osType: os.type(),
    osRelease: os.release(),
    arch: os.arch(),
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    memoryBytes: os.totalmem(),
    load: [round2(l1), round2(l5), round2(l15)],
    uptimeSeconds: Math.round(os.uptime()),
    addresses: [...new Set(addresses)],
  };
}

function prettyOsName(): string | undefined {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(text);
    const name = m?.[1] ?? m?.[2];
    return name?.trim() || undefined;
  } catch {
    return undefined;
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
