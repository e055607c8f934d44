import { existsSync, readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createControllerLogger,
  invalidReachEntry,
  setOperatorReach,
  createGitUrlSource,
  createLocalPathSource,
  locateRepository,
  PlumbError,
  setCacheWarningSink,
  startController,
  type Source,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { runCommand, type GlobalOptions } from '../run-command.js';
import { parseDurationOption } from './apply.js';

interface ControllerCliOptions extends GlobalOptions {
  networkAllow?: string;
  networkDeny?: string;
  gitUrl?: string;
  branch?: string;
  tag?: string;
  gitAuth: 'token' | 'basic';
  gitCredentialsFile?: string;
  gitCredentialsEnv?: string;
  webhookSecretFile?: string;
  webhookSecretEnv: string;
  cacheDir?: string;
  interval: string;
  namespace?: string;
  listen: string;
  leaseName: string;
  leaseDuration: string;
  leaderElect: boolean;
  identity?: string;
  inCluster?: boolean;
  healthTimeout: string;
  retryBase: string;
  forceConflicts: boolean;
  stateDir?: string;
}

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

async function controllerCommand(opts: ControllerCliOptions): Promise<number> {
  setOperatorReach({ allow: reachList(opts.networkAllow, '--network-allow'), deny: reachList(opts.networkDeny, '--network-deny') });
  const logger = await createControllerLogger();
  // the content cache's warnings (a cache directory that cannot hold files) are log lines like the rest: one JSON
  // object each, not a text line on stderr among them
  setCacheWarningSink((w) => logger.warn({ code: w.code, ...(w.file ? { path: w.file } : {}), ...(w.hint ? { hint: w.hint } : {}) }, w.message));
  const source = await openSource(opts);
  const inCluster = Boolean(opts.inCluster);
  const controller = await startController({
    source,
    namespace: opts.namespace ?? (existsSync(SA_NAMESPACE_FILE) ? readFileSync(SA_NAMESPACE_FILE, 'utf8').trim() : 'plumb-system'),
    identity: opts.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
    leaseName: opts.leaseName,
    leaseDurationMs: parseDurationOption(opts.leaseDuration, '--lease-duration'),
    leaderElection: opts.leaderElect,
    intervalMs: parseDurationOption(opts.interval, '--interval'),
    listen: opts.listen,
    webhookSecret: webhookSecret(opts),
    kube: { kubeconfig: opts.kubeconfig, context: opts.context, inCluster },
    // Git is the source of truth: self-heal takes back fields someone changed with kubectl (as Flux applies with force)
    cliSettings: { kubeconfig: opts.kubeconfig, context: opts.context, forceConflicts: opts.forceConflicts },
    logger,
    backoff: { baseMs: parseDurationOption(opts.retryBase, '--retry-base'), maxMs: 5 * 60_000 },
    healthTimeoutMs: parseDurationOption(opts.healthTimeout, '--health-timeout'),
    ...(opts.stateDir ? { stateDir: resolve(opts.stateDir) } : {}),
  });
  await new Promise<void>((resolveSignal) => {
    process.once('SIGTERM', resolveSignal);
    process.once('SIGINT', resolveSignal);
  });
  await controller.stop();
  return EXIT.ok;
}

async function openSource(opts: ControllerCliOptions): Promise<Source> {
  if (opts.gitUrl && opts.repo)
    throw new PlumbError('cli.bad-option', 'pass either --repo or --git-url, not both', {
      hint: '--repo follows a local directory, --git-url a remote repository',
    });
  if (opts.branch && opts.tag) throw new PlumbError('cli.bad-option', 'pass either --branch or --tag, not both', { hint: 'a source follows one ref' });
  if (!opts.gitUrl) return createLocalPathSource({ path: await locateRepository({ repo: opts.repo, cwd: process.cwd() }) });
  const credentials =
    opts.gitCredentialsFile || opts.gitCredentialsEnv
      ? { type: opts.gitAuth, ...(opts.gitCredentialsFile ? { file: opts.gitCredentialsFile } : { env: opts.gitCredentialsEnv }) }
      : undefined;
  if (insecureCredentials(opts.gitUrl, Boolean(credentials))) {
    process.stderr.write('warning: --git-url is plain http and carries credentials: they travel unencrypted (use https)\n');
  }
  return createGitUrlSource({
    url: opts.gitUrl,
    ref: opts.tag ?? opts.branch ?? 'main',
    cacheDir: resolve(opts.cacheDir ?? process.env.PLUMB_CACHE_DIR ?? join(tmpdir(), `plumb-controller-${process.pid}`), 'source'),
    credentials,
  });
}

function webhookSecret(opts: ControllerCliOptions): string | undefined {
  if (opts.webhookSecretFile) {
    try {
      return readFileSync(opts.webhookSecretFile, 'utf8').trim() || undefined;
    } catch {
      throw new PlumbError('controller.webhook-secret-missing', `cannot read the webhook secret file ${opts.webhookSecretFile}`, {
        hint: 'mount the Secret at that path',
      });
    }
  }
  return process.env[opts.webhookSecretEnv]?.trim() || undefined;
}

/** A comma-separated --network-allow / --network-deny list, each entry checked. */
function reachList(text: string | undefined, flag: string): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = invalidReachEntry(entry);
    if (problem) throw new PlumbError('cli.bad-option', `${flag}: ${problem}`, { hint: `e.g. ${flag} 10.0.0.0/8,hooks.example.com` });
  }
  return entries;
}

/**
 * A plain-http Git URL with credentials (given as flags or embedded as
 * user:password@) sends them in clear text over the network: warned about, not
 * refused. A loopback host (localhost, 127.0.0.0/8, [::1]) is spared: nothing
 * leaves the machine, and a Git server beside the controller is often plain http.
 */
export function insecureCredentials(url: string, withCredentials: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' || isLoopbackHost(parsed.hostname)) return false;
  return withCredentials || parsed.username !== '' || parsed.password !== '';
}

/** localhost, 127.0.0.0/8 or [::1], as URL.hostname spells them. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]') return true;
  return isIPv4(hostname) && hostname.startsWith('127.');
}

/** `plumb controller`'s action: what runs once commander has parsed the command line (cli/commands/controller.ts). */
export const action = (opts: ControllerCliOptions) => runCommand(() => controllerCommand(opts));
