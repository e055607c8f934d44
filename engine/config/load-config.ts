import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { decodeUtf8 } from '../yaml/decode-utf8.js';
import { DEFAULT_CONFIG, type PlumbConfig } from './types.js';
import { checkConfigValue, type ConfigLocator } from './check-config.js';
import { fastParseOne } from '../yaml/fast-parse-one.js';
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
  return parseConfig(text);
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

/**
 * plumb.yaml's text → configuration and diagnostics. The common case — a
 * plumb.yaml without anchors, tags or other constructs the fast parser leaves
 * to `yaml` (engine/load/fast-parse.ts), and nothing wrong in it — is parsed
 * with js-yaml and checked without positions, so a command that only reads its
 * configuration (`plumb incidents`, `backups`) does not load the `yaml`
 * package at all. Anything else, and any text with a diagnostic, is parsed
 * again with `yaml` ({@link parseConfigText}) for the positions: the same
 * value either way (fast-parse's property test), the same diagnostics.
 */
export async function parseConfig(text: string): Promise<{ config: PlumbConfig; diagnostics: Diagnostic[] }> {
  const fast = fastParseOne(text);
  if (fast) {
    const checked = checkConfigValue(fast.value ?? {}, UNPLACED);
    if (checked.diagnostics.length === 0) return checked;
  }
  return (await import('./parse-config.js')).parseConfigText(text);
}

/** Positions for a check whose diagnostics are thrown away (they are asked again with positions). */
const UNPLACED: ConfigLocator = { value: () => ({ file: CONFIG_FILE, line: 1, column: 1 }), key: () => undefined };
