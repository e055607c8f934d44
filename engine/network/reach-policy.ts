import { lookup as dnsLookup, type LookupAddress, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { PlumbError } from '../model/errors.js';

/**
 * Which addresses plumb may connect to on behalf of Git content: Endpoint CIs
 * (probes) and `notifications.*.url` (webhooks). A commit must not make the
 * controller reach the cloud metadata service or anything else the operator
 * has not allowed (docs/security.md, "Network reach").
 *
 * Entries are IP addresses, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) or host
 * names (`hooks.slack.com`, `*.example.com`). An address is refused when it is
 * denied — by default (link-local and metadata addresses), by the operator
 * (`plumb controller --network-deny`) or by plumb.yaml (`network.deny`) — or
 * when an allow list exists (operator's `--network-allow` or plumb.yaml's
 * `network.allow`) and the address is not on every one of them. Only the
 * operator can re-allow a default-denied address (`--network-allow
 * 169.254.169.254`): plumb.yaml comes from Git, and Git may be a pull request.
 *
 * The check runs on the address actually connected to (a guarded DNS lookup),
 * so a name that resolves to a denied address is refused at connect time —
 * DNS rebinding included.
 */
export interface ReachLists {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

/** Denied unless the operator allows them: link-local (cloud metadata lives there), and the metadata names and addresses of the major clouds. */
export const DEFAULT_DENY: readonly string[] = [
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
  'metadata.google.internal',
  'metadata',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
];

export class ReachPolicy {
  readonly #defaultDeny = compile(DEFAULT_DENY);
  readonly #operator: { allow?: Compiled; deny: Compiled };
  readonly #repository: { allow?: Compiled; deny: Compiled };

  constructor(operator: ReachLists = {}, repository: ReachLists = {}) {
    this.#operator = { deny: compile(operator.deny ?? []), ...(operator.allow?.length ? { allow: compile(operator.allow) } : {}) };
    this.#repository = { deny: compile(repository.deny ?? []), ...(repository.allow?.length ? { allow: compile(repository.allow) } : {}) };
  }

  /**
   * Why connecting to `address` (resolved from `host`) is refused, or
   * undefined when it is allowed. `host` is the name as written (for
   * host-name entries); pass the IP twice for a literal.
   */
  refusal(host: string, address: string): string | undefined {
    const operatorAllows = this.#operator.allow ? matches(this.#operator.allow, host, address) : false;
    if (matches(this.#defaultDeny, host, address) && !operatorAllows)
      return `${describe(host, address)} is a link-local or cloud metadata address, denied by default`;
    if (matches(this.#operator.deny, host, address)) return `${describe(host, address)} is denied by --network-deny`;
    if (matches(this.#repository.deny, host, address)) return `${describe(host, address)} is denied by plumb.yaml network.deny`;
    if (this.#operator.allow && !operatorAllows) return `${describe(host, address)} is not on --network-allow`;
    if (this.#repository.allow && !matches(this.#repository.allow, host, address)) return `${describe(host, address)} is not on plumb.yaml network.allow`;
    return undefined;
  }

  /**
   * A `lookup` for net/tls/http connect options: resolves as dns.lookup does
   * and fails with code `ENETREACH_DENIED` when an address is refused.
   */
  lookup(): LookupFunction {
    return ((
      hostname: string,
      options: LookupOneOptions,
      callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const list = addresses as LookupAddress[];
        for (const a of list) {
          const why = this.refusal(hostname, a.address);
          if (why) return callback(denied(why), '', 0);
        }
        if ((options as { all?: boolean }).all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      });
    }) as unknown as LookupFunction;
  }

  /** Refuses an IP literal before connecting (lookup is not called for one). Throws PlumbError `network.denied`. */
  assertLiteral(host: string): void {
    if (isIP(host) === 0) return;
    const why = this.refusal(host, host);
    if (why) throw new PlumbError('network.denied', `connection refused by plumb's network policy: ${why}`, { hint: 'see docs/security.md, "Network reach"' });
  }
}

let operatorLists: ReachLists = {};
let repositoryLists: ReachLists = {};
let current: ReachPolicy | undefined;

/** The controller's `--network-allow` / `--network-deny` (operator settings). */
export function setOperatorReach(lists: ReachLists): void {
  operatorLists = lists;
  current = undefined;
}

/** plumb.yaml `network` of the revision in force. */
export function setRepositoryReach(lists: ReachLists | undefined): void {
  repositoryLists = lists ?? {};
  current = undefined;
}

/** The policy in force for this process: defaults, operator settings, plumb.yaml. */
export function reachPolicy(): ReachPolicy {
  return (current ??= new ReachPolicy(operatorLists, repositoryLists));
}

function denied(why: string): NodeJS.ErrnoException {
  const e = new Error(`connection refused by plumb's network policy: ${why}`) as NodeJS.ErrnoException;
  e.code = 'ENETREACH_DENIED';
  return e;
}

interface Compiled {
  readonly blocks: BlockList;
  readonly names: readonly string[];
  readonly empty: boolean;
}

function compile(entries: readonly string[]): Compiled {
  const blocks = new BlockList();
  const names: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    const [ip, prefix] = entry.split('/');
    const family = isIP(ip);
    if (family) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) blocks.addAddress(ip, type);
      else blocks.addSubnet(ip, Number(prefix), type);
    } else names.push(entry.replace(/\.$/, ''));
  }
  return { blocks, names, empty: entries.length === 0 };
}

function matches(list: Compiled, host: string, address: string): boolean {
  if (list.empty) return false;
  const family = isIP(address);
  if (family && list.blocks.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) is the IPv4 address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped && list.blocks.check(mapped, 'ipv4')) return true;
  const name = host.toLowerCase().replace(/\.$/, '');
  return list.names.some((n) => (n.startsWith('*.') ? name.endsWith(n.slice(1)) : name === n));
}

function describe(host: string, address: string): string {
  return host === address ? address : `${host} (${address})`;
}

/** Checks a list of entries from plumb.yaml or a flag: each must be an IP, a CIDR or a host name. */
export function invalidReachEntry(entry: string): string | undefined {
  const [ip, prefix, extra] = entry.trim().split('/');
  if (extra !== undefined) return `${entry} is not an address, a CIDR range or a host name`;
  const family = isIP(ip);
  if (family) {
    if (prefix === undefined) return undefined;
    const n = Number(prefix);
    return Number.isInteger(n) && n >= 0 && n <= (family === 4 ? 32 : 128) ? undefined : `${entry} has a bad prefix length`;
  }
  if (prefix !== undefined) return `${entry} is not an address, a CIDR range or a host name`;
  return /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(ip)
    ? undefined
    : `${entry} is not an address, a CIDR range or a host name`;
}
