import pc from 'picocolors';
import { inert, inertDeep } from './inert.js';
import type { RenderedUnit } from '../render/render-stage.js';
import type { PolicyResult } from '../plan/types.js';
import { policyLines } from './plan-text.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { sortDiagnostics } from '../model/diagnostic.js';

type Colors = ReturnType<typeof pc.createColors>;

const MAX_EXCERPT = 160;

export interface ValidateTextInput {
  readonly diagnostics: readonly Diagnostic[];
  readonly cis: number;
  readonly relations: number;
  /** The text of a repository file, or undefined when it cannot be shown. */
  readonly source: (file: string) => string | undefined;
  /** Lines per file that hold secret values: never quoted (engine/validate/sensitive-lines.ts). */
  readonly sensitive: ReadonlyMap<string, ReadonlySet<number>>;
  readonly colors: Colors;
  /** Inventory-scope policy results, when policies were evaluated. */
  readonly policyResults?: readonly PolicyResult[];
  /** Units rendered by kustomize / helm: summarised with their tool versions. */
  readonly renders?: readonly RenderedUnit[];
  /**
   * Kinds whose documents may hold a secret (`Secret`, and every kind whose
   * schema marks a field x-plumb-secret): secretKinds in engine/validate/sensitive-lines.ts.
   * Default: only `Secret`.
   */
  readonly secretKinds?: ReadonlySet<string>;
}

/**
 * `plumb validate` for people: diagnostics grouped by file, each as
 * `file:line:column  severity  code  message` (a form editors and terminals
 * link), the offending source line with a caret under the column, the hint and
 * related places, then the summary `N CIs, M relations: X errors, Y warnings`.
 *
 * A source line that holds a secret is never printed. A diagnostic that
 * concerns no CI (the document failed to load: a syntax error, a duplicate
 * key) quotes its line only when the file provably holds no secret: every
 * `kind` written in it, in any style (`kind: Secret  # c`, `"kind": "Secret"`,
 * `kind: !!str Secret`), names a kind without secret fields — a file whose kinds
 * cannot be read is not quoted either.
 */
export function renderValidateText(input: ValidateTextInput): string {
  // file names, messages and quoted lines come from the repository: control characters escaped
  input = { ...input, diagnostics: inertDeep(input.diagnostics), ...(input.policyResults ? { policyResults: inertDeep(input.policyResults) } : {}) };
  const c = input.colors;
  const out: string[] = [];
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of sortDiagnostics(input.diagnostics)) {
    const key = d.file ?? '';
    const list = byFile.get(key);
    if (list) list.push(d);
    else byFile.set(key, [d]);
  }
  for (const [file, diagnostics] of byFile) {
    out.push(c.bold(c.underline(file || '(repository)')));
    const text = file ? input.source(file) : undefined;
    const lines = text?.split(/\r?\n/);
    const holdsSecret = text !== undefined && mayHoldSecret(text, input.secretKinds ?? DEFAULT_SECRET_KINDS);
    for (const d of diagnostics) {
      const where = [d.file, d.line, d.column].filter((p) => p !== undefined).join(':');
      out.push(`${where ? c.bold(where) + '  ' : ''}${severity(d, c)}  ${c.dim(d.code)}  ${d.message}`);
      const secretHere = SECRET_AT_POSITION.has(d.code) || (holdsSecret && isUnknownField(d)) ? new Set([d.line ?? 0]) : input.sensitive.get(file);
      const shown = lines && d.line !== undefined && !(holdsSecret && d.ci === undefined) ? excerpt(lines, d.line, d.column, secretHere, c) : [];
      out.push(...shown);
      if (d.hint) out.push(`    ${c.cyan('hint')}: ${d.hint}`);
      for (const r of d.related ?? []) out.push(`    ${c.dim(`${r.message ?? 'see'}: ${r.file}:${r.line}:${r.column}`)}`);
    }
    out.push('');
  }
  if (input.policyResults) out.push(...policyLines(input.policyResults, c).slice(1), '');
  out.push(summary(input, c));
  return out.join('\n') + '\n';
}

const DEFAULT_SECRET_KINDS: ReadonlySet<string> = new Set(['Secret']);

/** `kind` as a key in block or flow style, quoted or not, with an optional tag; the value as written. */
const KIND_VALUE = /["']?\bkind["']?[ \t]*:[ \t]*(?:![^\s]*[ \t]+)?["']?([^\s"',}\]#]*)/g;

/**
 * Could the file hold a secret value? True when any kind written in it is
 * secret-bearing (compared case-insensitively), or when no kind can be read
 * at all. Linear in the text.
 */
export function mayHoldSecret(text: string, secretKinds: ReadonlySet<string>): boolean {
  const lowered = new Set([...secretKinds].map((k) => k.toLowerCase()));
  let found = false;
  for (const m of text.matchAll(KIND_VALUE)) {
    found = true;
    if (!m[1] || lowered.has(m[1].toLowerCase())) return true;
  }
  return !found;
}

/** Diagnostics that point at a secret value itself (a credential written inline): never quoted. */
const SECRET_AT_POSITION: ReadonlySet<string> = new Set(['config.inline-secret']);

/**
 * A field the kind does not declare: in a file that may hold a secret it is
 * likely a secret field misspelt (`strinData`, `passwrod`), whose value no
 * schema mark covers, so its line is never quoted.
 */
function isUnknownField(d: Diagnostic): boolean {
  return d.code === 'k8s.field-unknown' || (d.code === 'schema.violation' && /: unknown field "/.test(d.message));
}

function excerpt(lines: string[], line: number, column: number | undefined, sensitive: ReadonlySet<number> | undefined, c: Colors): string[] {
  const text = lines[line - 1];
  if (text === undefined) return [];
  const gutter = String(line).padStart(6);
  if (sensitive?.has(line)) return [`${c.dim(`${gutter} |`)} ${c.dim('(sensitive)')}`];
  const shown = inert(text.length > MAX_EXCERPT ? text.slice(0, MAX_EXCERPT) + '…' : text);
  const result = [`${c.dim(`${gutter} |`)} ${shown}`];
  if (column !== undefined && column - 1 <= MAX_EXCERPT) {
    const pad = inert(text.slice(0, column - 1)).replace(/[^\t]/g, ' ');
    result.push(`${c.dim(`${' '.repeat(gutter.length)} |`)} ${pad}${c.red('^')}`);
  }
  return result;
}

function severity(d: Diagnostic, c: Colors): string {
  if (d.severity === 'error') return c.red('error');
  if (d.severity === 'warning') return c.yellow('warning');
  return c.blue('info');
}

function summary(input: ValidateTextInput, c: Colors): string {
  const errors = input.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = input.diagnostics.filter((d) => d.severity === 'warning').length;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const line = `${plural(input.cis, 'CI')}, ${plural(input.relations, 'relation')}: ${counts}`;
  const painted = errors > 0 ? c.red(line) : warnings > 0 ? c.yellow(line) : c.green(line);
  return input.renders?.length ? `${painted}\n${c.dim(renderedLine(input.renders))}` : painted;
}

/** `rendered: 2 kustomize units (kustomize v5.8.2), 1 helm release (helm v3.22.0)`. */
function renderedLine(renders: readonly RenderedUnit[]): string {
  const parts = (['kustomize', 'helm'] as const).flatMap((tool) => {
    const units = renders.filter((u) => u.tool === tool);
    if (!units.length) return [];
    const versions = [...new Set(units.map((u) => u.toolVersion ?? 'not installed'))].join(', ');
    return [`${plural(units.length, tool === 'kustomize' ? 'kustomize unit' : 'helm release')} (${tool} ${versions})`];
  });
  return `rendered: ${parts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
