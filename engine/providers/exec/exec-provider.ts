import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic, Severity } from '../../model/diagnostic.js';
import { identityOf } from '../../model/identity.js';
import type { ApplyAnswer, BackupAnswer, BackupArtifact, DiscoverAnswer, HealthAnswer, ObservedObject, Provider, RestoreAnswer } from '../contract.js';
import { secretStrings } from './secret-strings.js';
import { registerSecretValues, SecretScrubber, secretScrubber, StreamScrubber } from '../../redact/scrubber.js';
import { commandCredentials, environmentCredentials } from '../kubernetes/credential-settings.js';
import { runPlugin, type PluginOutcome } from './run-plugin.js';
import { pluginCode } from '../../model/codes.js';

export const EXEC_PROTOCOL = 'plumb.exec/v1';

export interface ExecProviderOptions {
  /** The target name: the provider is `exec:<name>`. */
  readonly name: string;
  /** Executable: a path (relative to `cwd`) or a name looked up on PATH. Never run through a shell. */
  readonly command: string;
  readonly args?: readonly string[];
  /** Extra environment variables, on top of plumb's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** The repository root. */
  readonly cwd: string;
  readonly timeoutMs?: number;
  readonly killGraceMs?: number;
  readonly maxStdoutBytes?: number;
}

type Operation = 'discover' | 'apply' | 'backup' | 'restore' | 'health';

/**
 * The `exec:NAME` provider: any executable speaking the JSON protocol of
 * docs/exec-protocol.md, one process per request. Whatever the plugin does —
 * hang, crash, print garbage, exit non-zero — comes back as an error
 * diagnostic naming the plugin (`exec.timeout`, `exec.crashed`,
 * `exec.bad-output`, `exec.exit-code`, `exec.spawn-failed`), with the tail of
 * its stderr; known secret values are scrubbed from that tail. On abort the
 * process group is killed and the call rejects with the signal's reason.
 */
export function createExecProvider(options: ExecProviderOptions): Provider {
  const name = `exec:${options.name}`;
  const command = options.command.includes('/') && !isAbsolute(options.command) ? resolve(options.cwd, options.command) : options.command;

  let environmentRegistered = false;
  async function call(
    operation: Operation,
    request: Record<string, unknown>,
    signal: AbortSignal,
    secrets: readonly string[] = [],
  ): Promise<{ body?: Record<string, unknown>; diagnostics: Diagnostic[] }> {
    // the request's own secrets and every secret plumb knows, scrubbed from the whole stderr before its tail is kept
    const requestSecrets = new SecretScrubber();
    requestSecrets.addAll(secrets);
    // the plugin inherits plumb's environment and is handed the target's args and env: a credential there is one it
    // may echo (a flag's value, `--password=…`, `-pVALUE`, a short value under a password's name)
    if (!environmentRegistered) {
      registerSecretValues(environmentCredentials(process.env));
      registerSecretValues(commandCredentials(options.args ?? [], options.env ?? {}));
      environmentRegistered = true;
    }
    const outcome = await runPlugin({
      command,
      args: options.args ?? [],
      cwd: options.cwd,
      env: { ...process.env, ...options.env, PLUMB_EXEC_PROTOCOL: EXEC_PROTOCOL },
      input: JSON.stringify({ protocol: EXEC_PROTOCOL, operation, target: options.name, request }),
      timeoutMs: options.timeoutMs ?? 30_000,
      killGraceMs: options.killGraceMs ?? 2_000,
      maxStdoutBytes: options.maxStdoutBytes ?? 64 * 1024 * 1024,
      signal,
      stderrScrubber: new StreamScrubber(requestSecrets, secretScrubber),
    });
    if (outcome.kind === 'aborted') throw signal.reason ?? new Error('aborted');
    const fail = failure(outcome, operation, secrets);
    if (fail) return { diagnostics: [fail] };
    const { stdout, stderr } = outcome as Extract<PluginOutcome, { kind: 'exited' }>;
    let body: unknown;
    try {
      body = JSON.parse(stdout);
    } catch {
      return { diagnostics: [bad(operation, `printed ${stdout.trim() ? 'something that is not JSON' : 'nothing'} on stdout`, stderr, secrets)] };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { diagnostics: [bad(operation, 'answered JSON that is not an object', stderr, secrets)] };
    return { body: body as Record<string, unknown>, diagnostics: pluginDiagnostics((body as Record<string, unknown>).diagnostics) };
  }

  function failure(o: PluginOutcome, op: Operation, secrets: readonly string[]): Diagnostic | undefined {
    const tail = 'stderr' in o ? stderrNote(o.stderr, secrets) : '';
    switch (o.kind) {
      case 'timeout':
        return {
          severity: 'error',
          code: 'exec.timeout',
          message: `plugin ${name} did not answer ${op} within ${options.timeoutMs ?? 30_000} ms and was killed${tail}`,
          hint: 'raise `timeout` of the target in plumb.yaml, or fix the plugin',
        };
      case 'signalled':
        return {
          severity: 'error',
          code: 'exec.crashed',
          message: `plugin ${name} crashed during ${op} (killed by ${o.signal})${tail}`,
          hint: 'the plugin died; run it by hand with the same request to debug it',
        };
      case 'too-large':
        return {
          severity: 'error',
          code: 'exec.bad-output',
          message: `plugin ${name} printed more than ${options.maxStdoutBytes ?? 64 * 1024 * 1024} bytes answering ${op}${tail}`,
        };
      case 'spawn-failed':
        return {
          severity: 'error',
          code: 'exec.spawn-failed',
          message: `plugin ${name} could not be started (${o.errno}: ${options.command})`,
          hint: o.errno === 'ENOENT' ? 'check `command` of the target in plumb.yaml' : 'is the plugin executable?',
        };
      case 'exited':
        if (o.code !== 0)
          return {
            severity: 'error',
            code: 'exec.exit-code',
            message: `plugin ${name} exited with code ${o.code} during ${op}${tail}`,
            hint: "see the plugin's stderr above",
          };
    }
    return undefined;
  }

  function bad(op: Operation, what: string, stderr: string, secrets: readonly string[]): Diagnostic {
    return {
      severity: 'error',
      code: 'exec.bad-output',
      message: `plugin ${name} ${what} answering ${op}${stderrNote(stderr, secrets)}`,
      hint: `a plugin answers one JSON object on stdout (docs/exec-protocol.md, protocol ${EXEC_PROTOCOL})`,
    };
  }

  function pluginDiagnostics(raw: unknown): Diagnostic[] {
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((d) => typeof d === 'object' && d !== null)
      .map((d: Record<string, unknown>) => ({
        severity: (['error', 'warning', 'info'].includes(d.severity as string) ? d.severity : 'error') as Severity,
        code: typeof d.code === 'string' ? pluginCode(d.code) : 'exec.plugin',
        message: `${name}: ${typeof d.message === 'string' ? d.message : 'reported a problem'}`,
        ...(typeof d.hint === 'string' ? { hint: d.hint } : {}),
        ...(typeof d.ci === 'string' ? { ci: d.ci } : {}),
      }));
  }

  function toObserved(raw: unknown): ObservedObject | undefined {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const r = raw as Record<string, unknown>;
    if (typeof r.object !== 'object' || r.object === null) return undefined;
    const id = typeof r.id === 'string' ? r.id : identityOf(r.object)?.id;
    if (!id) return undefined;
    // the fields plumb owns on it, as JSON Pointers (a field Git drops is then a removal); anything else is ignored
    const owned = Array.isArray(r.owned) ? r.owned.filter((p): p is string => typeof p === 'string' && (p === '' || p.startsWith('/'))) : [];
    return { id, object: r.object as Record<string, unknown>, managedByPlumb: r.managedByPlumb === true, ...(owned.length ? { owned } : {}) };
  }

  const shapeError = (op: Operation, what: string): Diagnostic => bad(op, `answered without ${what}`, '', []);

  return {
    name,

    async discover(req, signal): Promise<DiscoverAnswer> {
      const desired = req.desired.map((ci) => ({ id: ci.id, object: ci.object }));
      const { body, diagnostics } = await call(
        'discover',
        { desired, selector: req.selector ?? null },
        signal,
        secretStrings(...req.desired.map((ci) => ci.object)),
      );
      if (!body) return { observed: [], diagnostics };
      if (!Array.isArray(body.observed)) return { observed: [], diagnostics: [...diagnostics, shapeError('discover', 'an `observed` list')] };
      const observed = body.observed.map(toObserved);
      if (observed.some((o) => !o))
        return { observed: [], diagnostics: [...diagnostics, shapeError('discover', '`object` (with kind and metadata.name) in every observed entry')] };
      return { observed: observed as ObservedObject[], diagnostics };
    },

    async apply(req, signal): Promise<ApplyAnswer> {
      const { body, diagnostics } = await call(
        'apply',
        { change: req.change, desired: req.desired ?? null, dryRun: req.dryRun },
        signal,
        secretStrings(req.desired),
      );
      if (!body) return { ok: false, diagnostics };
      if (typeof body.ok !== 'boolean') return { ok: false, diagnostics: [...diagnostics, shapeError('apply', 'a boolean `ok`')] };
      const observed = body.observed === undefined || body.observed === null ? undefined : toObserved(body.observed);
      return { ok: body.ok, diagnostics, ...(observed ? { observed } : {}) };
    },

    async backup(req, signal): Promise<BackupAnswer> {
      const { body, diagnostics } = await call('backup', { ids: req.ids }, signal);
      if (!body) return { artifacts: [], diagnostics };
      const raw = body.artifacts;
      const valid = Array.isArray(raw) && raw.every((a) => typeof a?.id === 'string' && typeof a.exists === 'boolean' && typeof a.data === 'string');
      if (!valid) return { artifacts: [], diagnostics: [...diagnostics, shapeError('backup', 'an `artifacts` list of {id, exists, data (base64)}')] };
      const artifacts: BackupArtifact[] = (raw as Record<string, unknown>[]).map((a) => ({
        id: a.id as string,
        exists: a.exists as boolean,
        mediaType: typeof a.mediaType === 'string' ? a.mediaType : 'application/octet-stream',
        data: new Uint8Array(Buffer.from(a.data as string, 'base64')),
      }));
      return { artifacts, diagnostics };
    },

    async restore(req, signal): Promise<RestoreAnswer> {
      const artifacts = req.artifacts.map((a) => ({ id: a.id, exists: a.exists, mediaType: a.mediaType, data: Buffer.from(a.data).toString('base64') }));
      const { body, diagnostics } = await call('restore', { artifacts, dryRun: req.dryRun }, signal);
      if (!body) return { ok: false, restored: [], diagnostics };
      if (typeof body.ok !== 'boolean') return { ok: false, restored: [], diagnostics: [...diagnostics, shapeError('restore', 'a boolean `ok`')] };
      const restored = Array.isArray(body.restored) ? body.restored.filter((x): x is string => typeof x === 'string') : [];
      return { ok: body.ok, restored, diagnostics };
    },

    async health(req, signal): Promise<HealthAnswer> {
      const { body, diagnostics } = await call('health', { ids: req.ids, timeoutMs: req.timeoutMs }, signal);
      const unknown = (message: string) => req.ids.map((id) => ({ id, healthy: false, message }));
      if (!body) return { results: unknown('the health check failed'), diagnostics };
      if (!Array.isArray(body.results))
        return { results: unknown('the health check failed'), diagnostics: [...diagnostics, shapeError('health', 'a `results` list')] };
      const results = (body.results as Record<string, unknown>[])
        .filter((r) => typeof r?.id === 'string')
        .map((r) => ({ id: r.id as string, healthy: r.healthy === true, ...(typeof r.message === 'string' ? { message: r.message } : {}) }));
      return { results, diagnostics };
    },
  };
}

/** `: <last lines of stderr>`, scrubbed of secret values, or nothing. */
function stderrNote(stderr: string, secrets: readonly string[]): string {
  const trimmed = stderr.trim();
  if (!trimmed) return '';
  const request = new SecretScrubber();
  request.addAll(secrets);
  return `; stderr: ${secretScrubber.scrub(request.scrub(trimmed))}`;
}
