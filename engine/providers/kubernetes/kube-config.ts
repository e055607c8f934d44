import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
// the module itself, not the package's index: the index also loads the generated API clients, exec, attach, cp,
// port-forward and metrics, none of which plumb uses (it has its own transport, kube-client.ts)
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { Cluster, Context, User } from '@kubernetes/client-node/dist/config_types.js';
import { PlumbError } from '../../model/errors.js';
import { didYouMeanHint } from '../../model/did-you-mean.js';
import { privateKeyForms, registerSecretValues } from '../../redact/scrubber.js';
import { COMPLEX_KEY_HINT, complexKeyDiagnostic } from '../../yaml/yaml-documents.js';
import { commandCredentials, environmentCredentials, isCredentialSetting } from './credential-settings.js';
import { parseProxyUrl, proxyCredentialsOf } from './env-proxy.js';

export interface KubeConfigOptions {
  /** `--kubeconfig`, or the target's `kubeconfig` setting. */
  readonly kubeconfig?: string;
  /** `--context`, or the target's `context` setting. */
  readonly context?: string;
  /** Force the in-cluster ServiceAccount config (the controller). */
  readonly inCluster?: boolean;
}

/** Where a pod's ServiceAccount token is mounted (client-node's in-cluster config reads it). */
const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Whether {@link loadKubeConfig} would find a cluster to talk to: `--in-cluster`,
 * `--kubeconfig` or `--context` given, `$KUBECONFIG` set, `~/.kube/config` present, or a
 * ServiceAccount token mounted — the places kubectl and client-node's
 * `loadFromDefault` look. When none is there, `loadFromDefault` silently
 * invents `http://localhost:8080`, which every call then fails against; a
 * caller that can run without a cluster (the controller on a developer's
 * machine) asks this first instead. `env` and `home` are for tests.
 */
export function kubeConfigFound(opts: KubeConfigOptions, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): boolean {
  // a --context names a cluster the caller wants: loadKubeConfig then says what is missing rather than running without one
  if (opts.inCluster || opts.kubeconfig || opts.context) return true;
  if (env.KUBECONFIG?.trim()) return true;
  if (existsSync(join(home, '.kube', 'config'))) return true;
  return existsSync(SERVICEACCOUNT_TOKEN);
}

/**
 * Resolves a kubeconfig as kubectl does: an explicit file, else `$KUBECONFIG`,
 * else `~/.kube/config`, else the in-cluster ServiceAccount (client-node's
 * `loadFromDefault` order); then switches to `context` when given.
 */
export function loadKubeConfig(opts: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  if (opts.inCluster) {
    try {
      kc.loadFromCluster();
    } catch (e) {
      throw kubeConfigError(e, undefined);
    }
  } else if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new PlumbError('kubernetes.kubeconfig-missing', `kubeconfig ${opts.kubeconfig} does not exist`, {
        hint: 'pass an existing file with --kubeconfig, or set KUBECONFIG',
      });
    }
    loadFile(kc, opts.kubeconfig);
  } else {
    // $KUBECONFIG's files one by one, so a fault names its file, merged by client-go's loading rules as kubectl
    // merges them; a file of the list that does not exist is skipped, as kubectl skips it
    const listed = [...new Set(process.env.KUBECONFIG?.split(delimiter).filter((f) => f) ?? [])];
    const files = listed.filter((f) => !missing(f));
    if (files.length === 1) loadFile(kc, files[0]!);
    else if (files.length > 1) kc.loadFromOptions(mergeKubeConfigs(files.map((file) => loadFile(new KubeConfig(), file))));
    if (listed.length > 0 && files.length === 0) {
      // kubectl then has an empty config: the in-cluster one where a ServiceAccount is mounted, else nothing
      if (!existsSync(SERVICEACCOUNT_TOKEN)) {
        throw new PlumbError('kubernetes.kubeconfig-missing', `none of the kubeconfig files KUBECONFIG names exists: ${listed.join(', ')}`, {
          hint: `set KUBECONFIG to existing files (separated by '${delimiter}'), or pass --kubeconfig`,
        });
      }
      try {
        kc.loadFromCluster();
      } catch (e) {
        throw kubeConfigError(e, undefined);
      }
    } else if (listed.length === 0) {
      const home = join(homedir(), '.kube', 'config');
      if (existsSync(home)) loadFile(kc, home);
      else
        try {
          kc.loadFromDefault();
        } catch (e) {
          throw kubeConfigError(e, undefined);
        }
    }
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new PlumbError('kubernetes.unknown-context', `context "${opts.context}" is not in the kubeconfig`, {
        hint: didYouMeanHint(opts.context, known, `known contexts: ${known.join(', ') || '(none)'}`),
      });
    }
    kc.setCurrentContext(opts.context);
  }
  registerSecretValues(credentialsOf(kc.getCurrentUser()));
  // an exec credential plugin inherits plumb's environment (client-node, as client-go, passes it on): a credential
  // there is one the plugin may echo as well as those its `env:` sets
  if (kc.getCurrentUser()?.exec) registerSecretValues(environmentCredentials(process.env));
  registerSecretValues(proxyCredentialsOf(kc.getCurrentCluster()?.proxyUrl));
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new PlumbError('kubernetes.no-cluster', 'the kubeconfig names no current cluster', {
      hint: 'pass --kubeconfig and --context, or run inside a cluster',
    });
  }
  // refused as kubectl refuses it when it validates the kubeconfig, before client-node builds an agent from it
  if (cluster.proxyUrl) parseProxyUrl(cluster.proxyUrl, `the kubeconfig cluster "${cluster.name}"'s proxy-url`);
  return kc;
}

/**
 * Kubeconfigs merged as client-go merges a `KUBECONFIG` list: the first file that sets `current-context` names it, and
 * a cluster, user or context named in several files is the first file's. (client-node's `mergeConfig` takes the last
 * file's `current-context` — another cluster than kubectl's — and throws on a name two files share.)
 *
 * @param configs the files' configs, in `KUBECONFIG` order
 * @returns the options for `KubeConfig.loadFromOptions`
 */
function mergeKubeConfigs(configs: readonly KubeConfig[]): { clusters: Cluster[]; users: User[]; contexts: Context[]; currentContext: string } {
  const firstOfEach = <T extends { name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const byName = new Map<string, T>();
    for (const list of lists) for (const item of list) if (!byName.has(item.name)) byName.set(item.name, item);
    return [...byName.values()];
  };
  return {
    clusters: firstOfEach(configs.map((c) => c.clusters ?? [])),
    users: firstOfEach(configs.map((c) => c.users ?? [])),
    contexts: firstOfEach(configs.map((c) => c.contexts ?? [])),
    currentContext: configs.find((c) => c.currentContext)?.currentContext ?? '',
  };
}

/** Whether `file` does not exist (Go's `os.IsNotExist`): a file plumb may not read is there, and its load says so. */
function missing(file: string): boolean {
  try {
    statSync(file);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}

/**
 * Loads one kubeconfig file into `kc`, refusing a collection used as a mapping key (`yaml.complex-key` at
 * FILE:line:column, as plumb's own files: kubectl refuses it, client-node's js-yaml would read it as its text).
 *
 * @returns `kc`
 * @throws PlumbError `yaml.complex-key`, or `kubernetes.kubeconfig-invalid` naming the file
 */
function loadFile(kc: KubeConfig, file: string): KubeConfig {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // client-node's own read says what is wrong
  }
  const complex = text === undefined ? undefined : complexKeyDiagnostic(text, file);
  if (complex) {
    throw new PlumbError('yaml.complex-key', `cannot load the kubeconfig ${file}:${complex.line}:${complex.column}: ${complex.message}`, {
      hint: COMPLEX_KEY_HINT,
      data: { file, line: complex.line, column: complex.column },
    });
  }
  if (text !== undefined && EMPTY_YAML.test(text)) {
    // an empty kubeconfig is an empty config to kubectl (a file a tool created, listed in KUBECONFIG); client-node
    // would fail on it with a TypeError
    kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
    return kc;
  }
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw kubeConfigError(e, file);
  }
  return kc;
}

/** A YAML text with no content: blank lines, comments, document markers. */
const EMPTY_YAML = /^(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*\r?\n|\.\.\.[ \t]*\r?\n)*(?:[ \t]*(?:#[^\n]*)?|---[ \t]*|\.\.\.[ \t]*)$/;

/**
 * The error of a kubeconfig that does not load, without its text: js-yaml's
 * message quotes the lines around the fault — a `token:` or `password:` line
 * among them — and nothing has been registered with the scrubber yet (the
 * file never loaded). A YAML fault is `FILE:line:column: reason`; another
 * error (client-node's own checks name fields, not values) keeps its message.
 */
function kubeConfigError(e: unknown, file: string | undefined): PlumbError {
  const hint = 'check the file with `kubectl config view`';
  const y = e as { name?: unknown; reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (y?.name === 'YAMLException' && typeof y.reason === 'string') {
    const line = typeof y.mark?.line === 'number' ? y.mark.line + 1 : undefined;
    const column = typeof y.mark?.column === 'number' ? y.mark.column + 1 : undefined;
    const at = line === undefined || column === undefined ? '' : file ? `:${line}:${column}` : ` (line ${line}, column ${column})`;
    // the reason may name what it met (`undeclared tag handle "!Hunter2pass!"`, `unidentified alias "…"`): an
    // unquoted password starting with ! or * is one; what it quotes is left out
    const reason = y.reason.replace(/"[^"]*"|!<[^>]*>/g, '…');
    return new PlumbError('kubernetes.kubeconfig-invalid', `cannot load the kubeconfig${file ? ` ${file}` : ''}${at}: ${reason}`, { hint });
  }
  return new PlumbError('kubernetes.kubeconfig-invalid', `cannot load the kubeconfig: ${(e as Error).message}`, { hint, cause: e });
}

/** The settings of client-go's auth providers (gcp, azure, oidc) that hold a credential. */
const AUTH_PROVIDER_CREDENTIALS = new Set(['access-token', 'refresh-token', 'id-token', 'client-secret']);

/** A credential file's bytes are read for the scrubber only when smaller than this (a token or a key is a few KiB). */
const CREDENTIAL_FILE_BYTES = 64 * 1024;

/**
 * The secret values of a kubeconfig user, for the scrubber, so an API server or proxy that echoes one (an error
 * body, a redirect) or a credential plugin's error prints no credential. Taken by the field that holds them, as
 * client-go's data policy marks them: the bearer token, the basic-auth password, the client key (as written, as
 * PEM, and each line of it), a token or key file's contents (in-cluster, the ServiceAccount token), an auth
 * provider's `access-token`, `refresh-token`, `id-token` and `client-secret`. An exec plugin's environment and
 * arguments have no such fields (client-go redacts them whole), so there a value is taken by its name and form
 * ({@link isCredentialSetting}: `AWS_SECRET_ACCESS_KEY`, `VAULT_SECRET_ID`, `--token VALUE`, `--token=VALUE`,
 * `-p VALUE`), never a path, a profile, a reference or a public key; any value or argument holding a credential of
 * a known form (a JWT, a Vault or GitHub token, a PEM private key: {@link credentialsByForm}) and a token-shaped
 * positional argument ({@link tokenShaped}) are taken too. What a plugin issues is registered by the client from what each request carries
 * (kube-client.ts `requestCredentials`). A client certificate is public and not registered. Files that cannot be
 * read, or are larger than 64 KiB, are skipped.
 *
 * @param user the current context's user, as client-node resolved it
 * @returns strings; the scrubber drops those shorter than its minimum
 */
export function credentialsOf(user: User | null | undefined): string[] {
  if (!user) return [];
  const out: string[] = [];
  const key = (text: string | undefined): void => void out.push(...privateKeyForms(text));
  const file = (path: unknown): string | undefined => {
    if (typeof path !== 'string' || !path) return undefined;
    try {
      const st = statSync(path);
      return st.isFile() && st.size <= CREDENTIAL_FILE_BYTES ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  if (user.token) out.push(user.token);
  if (user.password) out.push(user.password);
  if (user.keyData) {
    out.push(user.keyData);
    key(Buffer.from(user.keyData, 'base64').toString('utf8'));
  }
  key(file(user.keyFile));
  const provider = user.authProvider as { config?: Record<string, unknown> } | undefined;
  for (const [name, value] of Object.entries(provider?.config ?? {})) {
    if (typeof value !== 'string') continue;
    if (/tokenfile$/i.test(name)) key(file(value)?.trim());
    else if (AUTH_PROVIDER_CREDENTIALS.has(name) || isCredentialSetting(name, value)) out.push(value);
  }
  const exec = user.exec as { env?: unknown; args?: unknown } | undefined;
  const env: Record<string, string> = {};
  if (Array.isArray(exec?.env)) for (const e of exec.env) if (typeof e?.name === 'string' && typeof e?.value === 'string') env[e.name] = e.value;
  const args = Array.isArray(exec?.args) ? exec.args.filter((a): a is string => typeof a === 'string') : [];
  out.push(...commandCredentials(args, env));
  return out;
}
