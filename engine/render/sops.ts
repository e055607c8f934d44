import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { yamlDocuments } from '../yaml/yaml-documents.js';
import { formatPointer } from '../model/json-pointer.js';
import { findTool, INSTALL_HINT, type FoundTool } from './tools.js';

/** The formats sops writes (`--input-type`), as sops itself tells them apart. */
export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/**
 * The format of a file SOPS encrypted, or undefined when it is not one: YAML
 * whose top level has a `sops` mapping with a `mac`, JSON with a `"sops"`
 * object (a `.json` file; any other name holding it is sops's binary format, as
 * sops itself decides by extension), a dotenv file with a `sops_mac=` line, an
 * INI file with a `[sops]` section. Cheap: text tests only.
 */
export function sopsFormat(text: string, path: string): SopsFormat | undefined {
  const json = /"sops"\s*:\s*\{/.test(text) && /"mac"\s*:/.test(text);
  if (/\.json$/i.test(path)) return json ? 'json' : undefined;
  if (/^sops:[ \t]*$/m.test(text) && /^[ \t]+mac:/m.test(text)) return 'yaml';
  if (/^sops_mac=ENC\[/m.test(text)) return 'dotenv';
  if (/^\[sops\][ \t]*$/m.test(text) && /^mac[ \t]*=/m.test(text)) return 'ini';
  return json ? 'binary' : undefined;
}

/** True for a file SOPS encrypted, in any of its formats ({@link sopsFormat}). */
export function isSopsEncrypted(text: string, path: string): boolean {
  return sopsFormat(text, path) !== undefined;
}

/**
 * The secret values of a decrypted dotenv, INI or binary file (YAML and JSON
 * go by their encrypted pointers, {@link decryptedValues}): every value of a
 * dotenv or INI file but sops's own, and a binary file whole and line by line.
 */
export function decryptedFlatValues(format: Exclude<SopsFormat, 'yaml' | 'json'>, plaintext: string): string[] {
  const lines = plaintext.split(/\r?\n/);
  if (format === 'binary') return [plaintext, ...lines.map((l) => l.trim())].filter((v) => v.length > 0);
  return lines
    .filter((l) => !/^\s*[#;[]/.test(l))
    .map((l) => /^\s*([^=]+?)\s*=\s*(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !m[1].startsWith('sops_'))
    .map((m) => m[2])
    .filter((v) => v.length > 0);
}

/**
 * The fields that name an object (apiVersion, kind, metadata.name and
 * metadata.namespace). They are never secret even when SOPS encrypted them
 * (its default encrypts every value): they are the object's identity, printed
 * in every plan line, and marking them would make the scrubber blank words
 * such as `default` or `ConfigMap` in every output.
 */
export const IDENTITY_POINTERS: ReadonlySet<string> = new Set(['/apiVersion', '/kind', '/metadata/name', '/metadata/namespace']);

/**
 * JSON Pointers of the values SOPS encrypted (`ENC[…]` strings), outside the
 * `sops` block and the identity fields, per document: the fields that are secret.
 */
export function encryptedPointers(text: string): string[][] {
  const out: string[][] = [];
  for (const doc of yamlDocuments(text, { uniqueKeys: false })) {
    const pointers: string[] = [];
    const walk = (value: unknown, path: string[]) => {
      if (typeof value === 'string') {
        const pointer = formatPointer(path);
        if (value.startsWith('ENC[') && !IDENTITY_POINTERS.has(pointer)) pointers.push(pointer);
      } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, String(i)]));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) if (!(path.length === 0 && k === 'sops')) walk(v, [...path, k]);
      }
    };
    try {
      walk(doc.toJS({ maxAliasCount: 100 }), []);
    } catch {
      // not YAML after all: sops reports it
    }
    out.push(pointers);
  }
  return out;
}

export type DecryptResult = { readonly text: string; readonly tool: FoundTool } | { readonly diagnostic: Diagnostic };

/**
 * Decrypts one SOPS file with the `sops` binary (the format's reference
 * implementation: it checks the MAC over every value and knows every key
 * type; plumb hands it age keys through SOPS_AGE_KEY_FILE / SOPS_AGE_KEY, or
 * sops's default ~/.config/sops/age/keys.txt). The ciphertext is written to a
 * private temporary directory; the plaintext only ever travels through the
 * pipe into memory. Never throws: a missing tool, a missing key, a MAC
 * mismatch or a timeout is a diagnostic at the file's `sops:` line, and the
 * caller loads nothing of the file. The diagnostic never quotes a value.
 *
 * @param timeoutMs how long sops may take
 */
export async function decryptSops(text: string, path: string, options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<DecryptResult> {
  const at = sopsBlockPlace(text, path);
  const tool = await findTool('sops', options.env);
  if (!tool) {
    return {
      diagnostic: {
        severity: 'error',
        code: 'render.tool-missing',
        message: `${path} is encrypted with SOPS and sops is not installed; it is not loaded`,
        hint: INSTALL_HINT.sops,
        ...at,
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'plumb-sops-'));
  try {
    const type = sopsFormat(text, path) ?? 'yaml';
    const file = join(dir, `input.${type}`);
    await writeFile(file, text, { mode: 0o600 });
    const result = await run(tool.path, ['decrypt', '--input-type', type, '--output-type', type, file], options);
    if (result.ok) return { text: result.stdout, tool };
    return { diagnostic: { severity: 'error', ...classify(result, path, options.timeoutMs), ...at } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Where a SOPS file's `sops:` block starts (the line a diagnostic about the file points at). */
export function sopsBlockPlace(text: string, path: string): { file: string; line: number; column: number } {
  const format = sopsFormat(text, path);
  const match = (
    format === 'json' || format === 'binary' ? /"sops"\s*:/ : format === 'dotenv' ? /^sops_mac=/m : format === 'ini' ? /^\[sops\]/m : /^sops:/m
  ).exec(text);
  if (!match) return { file: path, line: 1, column: 1 };
  const before = text.slice(0, match.index);
  return { file: path, line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') };
}

function classify(result: RunFailure, path: string, timeoutMs: number): Pick<Diagnostic, 'code' | 'message' | 'hint'> {
  if (result.timedOut)
    return {
      code: 'sops.timeout',
      message: `decrypting ${path} took longer than ${timeoutMs / 1000} s; it is not loaded`,
      hint: 'raise render.timeoutSeconds in plumb.yaml',
    };
  const said = firstLine(result.stderr);
  if (result.code === 51 || /mac mismatch/i.test(result.stderr)) {
    return {
      code: 'sops.mac-mismatch',
      message: `${path} fails its SOPS MAC check (edited without sops, or damaged); it is not loaded`,
      hint: 'edit the file with `sops edit`, or re-encrypt it; never change ENC[…] values by hand',
    };
  }
  if (result.code === 128 || /failed to get the data key|no identity matched|could not (retrieve|decrypt) the data key/i.test(result.stderr)) {
    return {
      code: 'sops.no-key',
      message: `no key can decrypt ${path}; it is not loaded (nothing in it is planned or applied)`,
      hint: 'give plumb the age key: SOPS_AGE_KEY_FILE=<path to keys.txt> or SOPS_AGE_KEY=<AGE-SECRET-KEY-…> (PGP, KMS and Vault keys work as sops itself finds them)',
    };
  }
  return {
    code: 'sops.decrypt-failed',
    message: `sops could not decrypt ${path}${said ? `: ${said}` : ''}`,
    hint: 'run `sops decrypt` on the file to see why',
  };
}

function firstLine(stderr: string): string {
  // sops's own messages name keys and files, never values; keep one short line
  return (stderr.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}

interface RunFailure {
  readonly ok: false;
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function run(bin: string, args: string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<{ ok: true; stdout: string } | RunFailure> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...(options.env ?? process.env), SOPS_DISABLE_VERSION_CHECK: '1' } },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout: String(stdout) });
        const e = error as { code?: number | string; killed?: boolean; signal?: string };
        resolve({ ok: false, code: typeof e.code === 'number' ? e.code : null, stderr: String(stderr), timedOut: Boolean(e.killed && e.signal) });
      },
    );
  });
}

/**
 * The string values a decrypted file holds at its encrypted pointers (for
 * marking the same values secret wherever a render copies them).
 */
export function decryptedValues(plaintext: string, pointers: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  yamlDocuments(plaintext, { uniqueKeys: false }).forEach((doc, i) => {
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    for (const p of pointers[i] ?? []) {
      const v = valueAt(value, p);
      if (v !== undefined && v !== null && typeof v !== 'object') out.push(String(v));
    }
  });
  return out;
}

function valueAt(value: unknown, pointer: string): unknown {
  let node = value;
  for (const token of pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
