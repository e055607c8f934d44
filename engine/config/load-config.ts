import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { compileSchema, type SchemaValidator } from '../json-schema/compile-schema.js';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { invalidReachEntry } from '../network/reach-policy.js';
import { ALLOW_OUTSIDE_REPOSITORY_ENV, leavesRepository, outsidePathsAllowed, repositoryPathSettings } from './repository-paths.js';
import { hasErrors, type Diagnostic } from '../model/diagnostic.js';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import { plumbPackageDir } from './package-dir.js';
import { YAML_OPTIONS } from '../yaml/yaml-options.js';
import { offsetOfPointer, pointerTokens } from '../yaml/yaml-pointer.js';
import { validateNotifications } from './notifications.js';
import { resolveConfig } from './resolve-config.js';
import { DEFAULT_CONFIG, type PlumbConfig } from './types.js';
import { escapePointerToken } from '../model/json-pointer.js';
import { PlumbError } from '../model/errors.js';
import { isCode } from '../model/codes.js';

export const CONFIG_FILE = 'plumb.yaml';

/**
 * The nearest directory at or above `startDir` holding a plumb.yaml, or
 * undefined when there is none up to the file system's root.
 */
export async function findRepoRoot(startDir: string): Promise<string | undefined> {
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    if (
      await stat(join(dir, CONFIG_FILE)).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The one rule every command uses to find its repository. `repo` (`--repo
 * DIR`, relative to `cwd`) names it: it must be a directory
 * (`load.repo-not-found` otherwise); its plumb.yaml is optional, defaults
 * apply. Without `repo`, the repository is the nearest directory at or above
 * `cwd` holding a plumb.yaml, and there being none is `config.not-found` — a
 * command run in the wrong directory says so instead of working on an empty
 * inventory.
 */
export async function locateRepository(at: { readonly repo?: string; readonly cwd?: string }): Promise<string> {
  const cwd = resolve(at.cwd ?? process.cwd());
  if (at.repo !== undefined) {
    const root = resolve(cwd, at.repo);
    const isDirectory = await stat(root).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      throw new PlumbError('load.repo-not-found', `repository directory not found: ${root}`, {
        hint: 'pass --repo with an existing directory',
        data: { root },
      });
    }
    return root;
  }
  const found = await findRepoRoot(cwd);
  if (found === undefined) {
    throw new PlumbError('config.not-found', `no ${CONFIG_FILE} in ${cwd} or any directory above it`, {
      hint: `run plumb inside a repository with a ${CONFIG_FILE} at its root, or pass --repo DIR`,
      data: { cwd },
    });
  }
  return found;
}

/** Reads a repository-relative file (from the work tree or a Git revision); undefined when absent. */
export type ReadFile = (path: string) => Promise<Uint8Array | string | undefined>;

/**
 * Reads and checks plumb.yaml, filling defaults for what it leaves out. Takes
 * a reader so that `--rev` reads the configuration of that revision. A broken
 * field is reported (`config.invalid` at its line) and replaced by its default,
 * so one typo does not stop the whole load.
 */
export async function loadConfig({ root, read }: { root: string; read?: ReadFile }): Promise<{
  config: PlumbConfig;
  diagnostics: Diagnostic[];
}> {
  const reader: ReadFile = read ?? ((path) => readFile(join(root, path)).catch(() => undefined));
  const content = await reader(CONFIG_FILE);
  if (content === undefined) return { config: DEFAULT_CONFIG, diagnostics: [] };
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const decoded = decodeUtf8(content, CONFIG_FILE);
    if ('diagnostic' in decoded) return { config: { ...DEFAULT_CONFIG, file: CONFIG_FILE }, diagnostics: [decoded.diagnostic] };
    text = decoded.text;
  }
  return parseConfigText(text);
}

/**
 * The one rule for a command that does not list diagnostics itself (backups,
 * incidents, backup, restore, apply of a saved plan): an error at plumb.yaml —
 * a YAML syntax error, an unknown or ill-typed setting, bytes that are not
 * UTF-8 — refuses the command as validate and plan do, rather than running it
 * on the defaults loadConfig fell back to. `diagnostics` may hold others'
 * (loadRepository's): only those located in plumb.yaml count.
 *
 * @throws PlumbError with the first such diagnostic's code (`config.invalid`,
 *   `yaml.syntax`, …), `plumb.yaml:LINE:COLUMN: message [code]` (how many more
 *   there are), its position in `data` (`file`, `line`, `column`) and every one of
 *   them in `data.diagnostics`
 */
export function refuseBrokenConfig(diagnostics: readonly Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error' && d.file === CONFIG_FILE);
  const first = errors[0];
  if (!first) return;
  const where = [first.file, first.line, first.column].filter((x) => x !== undefined).join(':');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'} in ${CONFIG_FILE})` : '';
  // plumb.yaml's diagnostics are plumb's own, never a plugin's
  throw new PlumbError(isCode(first.code) ? first.code : 'config.invalid', `${where}: ${first.message} [${first.code}]${more}`, {
    hint: `fix ${CONFIG_FILE} at the position shown; \`plumb validate\` lists every problem in it`,
    data: {
      file: first.file,
      ...(first.line !== undefined ? { line: first.line } : {}),
      ...(first.column !== undefined ? { column: first.column } : {}),
      diagnostics: errors,
    },
  });
}

/** {@link loadConfig}, refusing a broken plumb.yaml ({@link refuseBrokenConfig}); the configuration with its defaults filled in. */
export async function loadValidConfig(opts: { root: string; read?: ReadFile }): Promise<PlumbConfig> {
  const { config, diagnostics } = await loadConfig(opts);
  refuseBrokenConfig(diagnostics);
  return config;
}

/** plumb.yaml's text → configuration and diagnostics (exported for tests and the controller's reload). */
export function parseConfigText(text: string): { config: PlumbConfig; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: CONFIG_FILE, line, column: col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((e) => ({
    severity: 'error',
    code: e.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax',
    message: e.message
      .split('\n')[0]
      .replace(/ at line \d+, column \d+:?$/, '')
      .toLowerCase(),
    hint: 'fix plumb.yaml; until then plumb uses the default configuration',
    ...at(e.pos[0]),
  }));
  if (diagnostics.length) return { config: { ...DEFAULT_CONFIG, file: CONFIG_FILE }, diagnostics };

  const raw = doc.toJS({ maxAliasCount: DEFAULT_CONFIG.limits.maxAliases }) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push({
      severity: 'error',
      code: 'config.invalid',
      message: 'plumb.yaml is not a mapping',
      hint: 'write plumb.yaml as a mapping of settings (inventory, policies, targets…)',
      ...at(0),
    });
    return { config: { ...DEFAULT_CONFIG, file: CONFIG_FILE }, diagnostics };
  }

  const broken = new Set<string>();
  if (!validator()(raw)) {
    for (const error of validator().errors ?? []) {
      // a `not` of a string pattern says nothing more about a value of the wrong type (reported already)
      if (error.keyword === 'not' && typeof error.data !== 'string') continue;
      const pointer = errorPointer(error);
      broken.add(pointerTokens(pointer)[0] ?? '');
      diagnostics.push(inlineMetricsCredential(pointer, at(offsetOfPointer(doc, pointer))) ?? schemaDiagnostic(error, pointer, doc, at));
    }
  }
  if (!broken.has('notifications') && raw.notifications !== undefined) {
    // the section's own rules (destinations, secrets only from env or files) beyond its schema
    const checked = validateNotifications(raw.notifications, (p) => at(offsetOfPointer(doc, '/notifications' + p)));
    diagnostics.push(...checked.diagnostics);
    if (hasErrors(checked.diagnostics)) broken.add('notifications');
  }
  const network = (raw as Record<string, unknown>).network as { allow?: unknown[]; deny?: unknown[] } | undefined;
  if (!broken.has('network') && network) {
    for (const list of ['allow', 'deny'] as const) {
      (network[list] ?? []).forEach((entry, i) => {
        const problem = typeof entry === 'string' ? invalidReachEntry(entry) : 'not a string';
        if (!problem) return;
        broken.add('network');
        diagnostics.push({
          severity: 'error',
          code: 'config.invalid',
          message: `network.${list}[${i}]: ${problem}`,
          hint: 'write an IP address (10.0.0.5), a CIDR range (10.0.0.0/8) or a host name (hooks.example.com, *.example.com)',
          ...at(offsetOfPointer(doc, `/network/${list}/${i}`)),
        });
      });
    }
  }
  if (!outsidePathsAllowed()) {
    for (const setting of repositoryPathSettings(raw as Record<string, unknown>)) {
      if (broken.has(setting.section) || !leavesRepository(setting.path)) continue;
      broken.add(setting.section);
      diagnostics.push({
        severity: 'error',
        code: 'config.path-outside-repository',
        message: `${setting.pointer.slice(1).replace(/\//g, '.')} names a path outside the repository`,
        hint: `use a path inside the repository; an operator can allow outside paths with ${ALLOW_OUTSIDE_REPOSITORY_ENV}=1 (docs/security.md)`,
        ...at(offsetOfPointer(doc, setting.pointer)),
      });
    }
  }
  const targets = (raw.targets ?? {}) as Record<string, unknown>;
  // a defaultTarget cannot be judged against broken targets: it falls back with them
  if (broken.has('targets')) broken.add('defaultTarget');
  else if (typeof raw.defaultTarget === 'string' && !Object.hasOwn(targets, raw.defaultTarget)) {
    broken.add('defaultTarget');
    diagnostics.push({
      severity: 'error',
      code: 'config.unknown-target',
      message: `defaultTarget names no target: ${raw.defaultTarget}`,
      hint: `use one of the targets in plumb.yaml (${Object.keys(targets).join(', ') || 'none defined'})`,
      ...at(offsetOfPointer(doc, '/defaultTarget')),
    });
  }
  const kept = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([k]) => !broken.has(k)));
  return { config: resolveConfig(kept, CONFIG_FILE), diagnostics };
}

/**
 * `metrics:` keys people write for a credential (`bearerToken`, `password`, an
 * Authorization header): `config.inline-secret` — whose excerpt is never shown —
 * rather than "unknown setting" with the line and its secret printed under it.
 */
function inlineMetricsCredential(pointer: string, position: { file: string; line: number; column: number }): Diagnostic | undefined {
  if (!/^\/metrics\/(bearerToken|token|password|basicAuth\/password|headers\/[Aa]uthorization)$/.test(pointer)) return undefined;
  const key = pointer.slice('/metrics/'.length).replace(/\//g, '.');
  return {
    severity: 'error',
    code: 'config.inline-secret',
    message: `metrics.${key} holds a credential in plumb.yaml`,
    hint: 'never commit secrets: use bearerTokenFile or bearerTokenEnv (basicAuth: passwordFile or passwordEnv)',
    ...position,
  };
}

let compiled: SchemaValidator | undefined;
function validator() {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(plumbPackageDir(), 'schemas', 'config.schema.json'), 'utf8'));
    compiled = compileSchema('config', schema);
  }
  return compiled;
}

/** The pointer of the offending node: for an unknown key, the key itself. */
function errorPointer(error: ErrorObject): string {
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return extra === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(extra)}`;
}

function schemaDiagnostic(
  error: ErrorObject,
  pointer: string,
  doc: Document,
  at: (offset: number) => { file: string; line: number; column: number },
): Diagnostic {
  const where = pointer ? pointer.slice(1).split('/').join('.') : 'plumb.yaml';
  const extra = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  const message =
    extra.additionalProperty !== undefined
      ? `unknown setting ${where}`
      : extra.allowedValues
        ? `${where} must be one of ${extra.allowedValues.join(', ')}`
        : error.keyword === 'not' && typeof (error.parentSchema as { description?: unknown } | undefined)?.description === 'string'
          ? // "must NOT be valid" names no rule: say what the setting must be (its description)
            `${where} must be ${lowerFirst(String((error.parentSchema as { description: string }).description).replace(/\.$/, ''))}`
          : `${where} ${error.message ?? 'is invalid'}`;
  return {
    severity: 'error',
    code: 'config.invalid',
    message,
    hint: 'see schemas/config.schema.json for the settings plumb.yaml accepts; the default is used meanwhile',
    ...at(offsetForError(doc, pointer, extra.additionalProperty !== undefined)),
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** For an unknown key, its key node; otherwise the value node. */
function offsetForError(doc: Document, pointer: string, isKey: boolean): number {
  return (isKey ? findKeyOffset(doc, pointerTokens(pointer)) : undefined) ?? offsetOfPointer(doc, pointer);
}

function findKeyOffset(doc: Document, tokens: string[]): number | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < tokens.length; i++) {
    const items = (node as { items?: { key?: { value?: unknown; range?: number[] }; value?: unknown }[] })?.items;
    const pair = items?.find((p) => p.key !== undefined && String(p.key?.value) === tokens[i]);
    if (!pair) return undefined;
    if (i === tokens.length - 1) return pair.key?.range?.[0];
    node = pair.value;
  }
  return undefined;
}
