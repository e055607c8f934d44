import { stringify } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { hasErrors, sortDiagnostics } from '../model/diagnostic.js';
import { diagnosticsJson, type DiagnosticJson } from './diagnostics-json.js';
import { inert } from './inert.js';
import { scrubDeep, scrubText } from '../redact/scrubber.js';
import { toSarif } from './sarif.js';

export { diagnosticsJson, type DiagnosticJson } from './diagnostics-json.js';

/**
 * What a command that produced no result writes instead, so every output
 * format says why (schemas/failure-output.schema.json for JSON and YAML):
 * `{ ok: false, command, revision?, base?, diagnostics }`.
 */
export interface FailureJson {
  readonly ok: false;
  readonly command: string;
  readonly revision?: string;
  readonly base?: string;
  readonly diagnostics: readonly DiagnosticJson[];
}

export interface FailureOutputOptions {
  /** The command that failed, e.g. `review` (the Markdown heading, the JSON `command`). */
  readonly command: string;
  readonly diagnostics: readonly Diagnostic[];
  /** The revision that was read (review: the head), when known. */
  readonly revision?: string;
  /** Review: the base revision. */
  readonly base?: string;
}

/**
 * The failure document in an output format: a command could not compute its
 * result (an invalid head, an unreadable repository, a provider that did not
 * answer) and says why in the format the caller asked for, so a pull-request
 * comment, a SARIF upload or a JSON consumer is never left with nothing.
 *
 * - `json`: {@link FailureJson}, two-space indented; `yaml`: the same value.
 * - `sarif`: a SARIF 2.1.0 log whose results are the diagnostics, at their file and line.
 * - `markdown`: a pull-request comment — "could not be computed", the count,
 *   then a table of the diagnostics with `file:line:column`, code, message and hint.
 * - `dot` and `mermaid`: an empty graph whose comments are the diagnostics (a valid document).
 * - anything else (`text`): one line per diagnostic, `file:line:column: severity [code] message (hint)`.
 *
 * Untrusted text (file names, messages quoting the repository) is made inert
 * for the terminal formats and escaped for Markdown; JSON escapes by itself.
 */
export function renderFailureOutput(format: string, given: FailureOutputOptions): string {
  // scrubbed before any format escapes a secret into a form the output guard does not know (YAML's `\a`, a block scalar)
  const options = { ...given, diagnostics: scrubDeep(given.diagnostics) };
  switch (format) {
    case 'json':
      return JSON.stringify(failureJson(options), null, 2) + '\n';
    case 'yaml':
      return stringify(failureJson(options), { lineWidth: 0 });
    case 'sarif':
      return JSON.stringify(toSarif({ diagnostics: options.diagnostics }), null, 2) + '\n';
    case 'markdown':
      return renderFailureMarkdown(options);
    case 'dot':
      return `digraph plumb {\n${commentLines(options, '  // ')}}\n`;
    case 'mermaid':
      return `graph LR\n${commentLines(options, '  %% ')}`;
    default:
      return sortDiagnostics(options.diagnostics)
        .map((d) => diagnosticLine(d))
        .join('\n')
        .concat(options.diagnostics.length ? '\n' : '');
  }
}

function failureJson(options: FailureOutputOptions): FailureJson {
  return {
    ok: false,
    command: options.command,
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.base === undefined ? {} : { base: options.base }),
    diagnostics: diagnosticsJson(options.diagnostics),
  };
}

function commentLines(options: FailureOutputOptions, prefix: string): string {
  const lines = [`plumb ${options.command} could not be computed:`, ...sortDiagnostics(options.diagnostics).map((d) => diagnosticLine(d))];
  return lines.map((l) => `${prefix}${l}\n`).join('');
}

function diagnosticLine(d: Diagnostic): string {
  return inert(`${where(d) ? `${where(d)}: ` : ''}${d.severity} [${d.code}] ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

function where(d: Diagnostic): string {
  return d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : '';
}

/** Rows listed in a Markdown comment; the rest are counted (the comment stays under GitHub's 65,536 characters). */
const MAX_MARKDOWN_ROWS = 200;

/** A pull-request comment that says the review could not be computed, and why. */
function renderFailureMarkdown(options: FailureOutputOptions): string {
  const sorted = sortDiagnostics(options.diagnostics);
  const errors = sorted.filter((d) => d.severity === 'error').length;
  const revs =
    options.base && options.revision
      ? ` — \`${short(options.base)}..${short(options.revision)}\``
      : options.revision
        ? ` — \`${short(options.revision)}\``
        : '';
  const what = options.command === 'review' ? 'The review could not be computed' : `\`plumb ${options.command}\` could not be computed`;
  const why = hasErrors(sorted)
    ? `${errors} error${errors === 1 ? '' : 's'} must be fixed first${options.command === 'review' ? ' in the pull request (the head)' : ''}`
    : 'see the diagnostics below';
  const out = [`## plumb ${options.command}${revs}`, '', `> [!CAUTION]`, `> **${what}**: ${why}. Nothing was planned or checked against policies.`, ''];
  if (sorted.length) {
    out.push(...diagnosticTable(sorted));
    if (sorted.length > MAX_MARKDOWN_ROWS)
      out.push('', `_${sorted.length - MAX_MARKDOWN_ROWS} more diagnostics are not listed (\`plumb ${options.command} -o json\`)._`);
    out.push('');
  }
  out.push(`Run \`plumb ${options.command === 'review' ? 'validate' : options.command}\` locally for the same diagnostics with the source lines.`);
  return out.join('\n') + '\n';
}

/**
 * The plan or review comment's "Diagnostics" section (warnings and infos the
 * operation reported beside its result); `''` when there are none.
 */
export function diagnosticsMarkdownSection(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '';
  const sorted = sortDiagnostics(diagnostics);
  return [
    `### Diagnostics — ${diagnostics.length}`,
    '',
    ...diagnosticTable(sorted),
    ...(sorted.length > MAX_MARKDOWN_ROWS ? ['', `_${sorted.length - MAX_MARKDOWN_ROWS} more diagnostics are not listed._`] : []),
  ].join('\n');
}

/** A Markdown table of (sorted) diagnostics: severity, `file:line:column`, code, message and hint; at most {@link MAX_MARKDOWN_ROWS} rows. */
function diagnosticTable(sorted: readonly Diagnostic[]): string[] {
  const rows = sorted.slice(0, MAX_MARKDOWN_ROWS).map((d) => {
    const icon = d.severity === 'error' ? '⛔ error' : d.severity === 'warning' ? '⚠️ warning' : 'ℹ️ info';
    return `| ${icon} | ${where(d) ? `\`${code(where(d))}\`` : '—'} | \`${code(d.code)}\` | ${cell(d.message)}${d.hint ? `<br>_hint: ${cell(d.hint)}_` : ''} |`;
  });
  return ['| | where | code | message |', '|:--|:--|:--|:--|', ...rows];
}

function short(rev: string): string {
  return /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 7) : rev;
}

/** Text for a Markdown table cell: no pipe, no newline, no HTML. */
function cell(text: string): string {
  return inert(scrubText(text).replaceAll('\n', ' ')).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|');
}

/** Text inside backticks in a table cell: no backtick, no pipe. */
function code(text: string): string {
  return inert(scrubText(text)).replaceAll('`', "'").replaceAll('|', '\\|');
}
