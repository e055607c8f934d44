import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import { isPlumbError, PlumbError, renderDiagnosticsText, renderFailureOutput, scrubText, writeFileAtomic, type Diagnostic } from '../engine/index.js';
import { EXIT } from './exit-codes.js';
import type { OutputTarget } from './program.js';
import { colors, runCommand, writeOut, writeOutChunks, type GlobalOptions } from './run-command.js';

/** An output's text, whole or in pieces (written to stdout as they come: a large plan is never one string). */
export type Rendered = string | Iterable<string>;

const textOf = (rendered: Rendered): string => (typeof rendered === 'string' ? rendered : [...rendered].join(''));

/** What a command knows of itself for its outputs. */
export interface OutputSpec<F extends string> {
  /** The command's name: the failure documents' `command` and heading. */
  readonly command: string;
  /** The format stdout gets when no `-o` without a file names one. */
  readonly defaultFormat: F;
}

/** Where the revision was, for a failure document (review: base and head). */
export interface FailureContext {
  readonly revision?: string;
  readonly base?: string;
}

/**
 * A command's outputs: every `-o` it was given, each rendered once per run.
 * stdout gets the one `-o FORMAT` without a file, else the command's default
 * format; `-o FORMAT=FILE` outputs are written atomically (a temporary file
 * renamed over the target: never half a file) and scrubbed of every known
 * secret first, as the guarded stdout and stderr are (engine/redact) — a
 * file is an output like any other.
 */
export class Outputs<F extends string> {
  /** The format written to stdout. */
  readonly format: F;
  readonly files: readonly (OutputTarget & { readonly format: F; readonly file: string })[];

  constructor(
    targets: readonly OutputTarget[] | undefined,
    readonly spec: OutputSpec<F>,
    private readonly opts: GlobalOptions,
  ) {
    const list = targets ?? [];
    const toStdout = list.filter((t) => t.file === undefined);
    if (toStdout.length > 1) {
      throw new PlumbError('cli.usage', `-o ${toStdout.map((t) => t.format).join(' and -o ')} cannot both go to stdout`, {
        hint: `write all but one to files: -o ${toStdout[1]!.format}=FILE`,
      });
    }
    this.format = (toStdout[0]?.format ?? spec.defaultFormat) as F;
    this.files = list.filter((t): t is OutputTarget & { format: F; file: string } => t.file !== undefined);
    checkOutputFiles(this.files);
  }

  /** Every format asked for (stdout's first), each once. */
  get formats(): F[] {
    return [...new Set([this.format, ...this.files.map((f) => f.format)])];
  }

  /**
   * Renders each output with `render(format, colors)` (colours only for a
   * terminal's stdout, never in a file) and writes it; a format asked for
   * twice is rendered once.
   */
  async write(render: (format: F, colors: Colors) => Rendered | Promise<Rendered>): Promise<void> {
    const plain = pc.createColors(false);
    const rendered = new Map<F, string>();
    for (const { format, file } of this.files) {
      let text = rendered.get(format);
      if (text === undefined) rendered.set(format, (text = textOf(await render(format, plain))));
      await writeOutputFile(file, text);
    }
    const out = await render(this.format, colors(this.opts));
    await (typeof out === 'string' ? writeOut(out) : writeOutChunks(out));
  }

  /**
   * The command could not compute its result: every output gets the failure
   * document of its format (engine renderFailureOutput: JSON with
   * `diagnostics`, SARIF results, a Markdown comment saying why, …), and
   * stderr the diagnostics as text (for the job log). Resolves to exit code 1.
   */
  async fail(diagnostics: readonly Diagnostic[], context: FailureContext = {}): Promise<number> {
    await this.writeFailure(diagnostics, context, true);
    return EXIT.failure;
  }

  /**
   * Writes the failure documents; `stderrText` false leaves the text on
   * stderr to the caller (runCommand prints a thrown error itself).
   */
  async writeFailure(diagnostics: readonly Diagnostic[], context: FailureContext, stderrText: boolean): Promise<void> {
    const options = { command: this.spec.command, diagnostics, ...context };
    for (const { format, file } of this.files) await writeOutputFile(file, await renderFailureOutput(format, options));
    if (this.format !== 'text') await writeOut(await renderFailureOutput(this.format, options));
    if (stderrText) process.stderr.write(renderDiagnosticsText(diagnostics, stderrColors(this.opts)));
  }
}

/**
 * Refuses, before the command runs, `-o FORMAT=FILE` outputs that could not
 * be written or would overwrite each other: two formats resolving to one file
 * (the second silently replaced the first), a directory, a file in a
 * directory that does not exist or may not be written. Checked first because
 * `apply`, `restore` and `backup` change state before they write their
 * outputs: a bad `-o` must not turn a done apply into exit 1. (A file that
 * still cannot be written later, a full disk, is writeOutputFile's error.)
 *
 * @throws PlumbError `cli.usage` (two formats, one file) or `cli.bad-option` (not writable)
 */
function checkOutputFiles(files: readonly { readonly format: string; readonly file: string }[]): void {
  const seen = new Map<string, { format: string; file: string }>();
  for (const { format, file } of files) {
    const path = resolve(process.cwd(), file);
    const other = seen.get(path);
    if (other && other.format !== format) {
      throw new PlumbError('cli.usage', `-o ${other.format}=${other.file} and -o ${format}=${file} both write ${file}`, {
        hint: 'give each format its own file',
      });
    }
    seen.set(path, { format, file });
    if (standardStream(path) !== undefined) continue;
    const bad = (why: string, hint: string) => new PlumbError('cli.bad-option', `cannot write the -o output ${file}: ${why}`, { hint });
    const target = statOrUndefined(path);
    if (target?.isDirectory()) throw bad('it is a directory', `name a file, e.g. -o ${format}=${join(file, `out.${format === 'markdown' ? 'md' : format}`)}`);
    if (target && !target.isFile()) {
      // a device or a pipe (-o sarif=/dev/stdout, a named pipe): written into, so it must be writable itself
      try {
        accessSync(path, constants.W_OK);
      } catch (e) {
        throw bad(`it is not writable (${(e as NodeJS.ErrnoException).code ?? 'denied'})`, 'name a file or a device you may write to');
      }
      continue;
    }
    const dir = statOrUndefined(dirname(path));
    if (!dir?.isDirectory()) throw bad(`${dirname(path)} is not a directory that exists`, 'create the directory first, or name a file in one that exists');
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      throw bad(`${dirname(path)} is not writable (${(e as NodeJS.ErrnoException).code ?? 'denied'})`, 'name a file in a directory you may write to');
    }
  }
}

function statOrUndefined(path: string): import('node:fs').Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes one `-o FORMAT=FILE` output: scrubbed, relative to the working
 * directory. A file is replaced atomically (through a symbolic link, the file
 * it names: the link stays); a device or a pipe (`-o sarif=/dev/stdout`, a
 * named pipe a reader waits on) is written into, as the shell's `>` does —
 * renaming a file over it replaced `/dev/stdout` itself (as root) or the FIFO,
 * and the output never reached its reader.
 */
async function writeOutputFile(file: string, text: string): Promise<void> {
  const path = resolve(process.cwd(), file);
  const data = scrubText(text.endsWith('\n') ? text : text + '\n');
  try {
    const stream = standardStream(path);
    // this process's own stdout or stderr: written through the stream, in order with the rest (as bash does for
    // /dev/stdout; opening /proc/self/fd/1 fails with ENXIO when it is a socket, as a spawning parent's pipe is)
    if (stream === 1) return await writeOut(data);
    if (stream === 2) {
      process.stderr.write(data);
      return;
    }
    const target = statOrUndefined(path);
    if (target && !target.isFile()) await writeFile(path, data);
    else await writeFileAtomic(target && lstatSync(path).isSymbolicLink() ? realpathSync(path) : path, data);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new PlumbError('cli.bad-option', `cannot write the -o output ${file}: ${reason}`, {
      hint: 'name a file in a directory that exists and that you may write to',
    });
  }
}

const STANDARD = /^\/(?:dev\/(?:std(out|err)|fd\/([12]))|proc\/(?:self|thread-self|\d+)\/fd\/([12]))$/;

/**
 * 1 or 2 when `path` names this process's standard output or error —
 * `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/2`, or a symbolic link to one
 * (followed a few hops) — else undefined.
 */
function standardStream(path: string): 1 | 2 | undefined {
  let p = path;
  for (let hop = 0; hop < 8; hop++) {
    const m = STANDARD.exec(p);
    if (m) {
      if (m[1]) return m[1] === 'out' ? 1 : 2;
      const fd = Number(m[2] ?? m[3]);
      if (m[3] && !/^\/proc\/(?:self|thread-self)\//.test(p) && !p.startsWith(`/proc/${process.pid}/`)) return undefined;
      return fd === 1 ? 1 : 2;
    }
    try {
      if (!lstatSync(p).isSymbolicLink()) return undefined;
      p = resolve(dirname(p), readlinkSync(p));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function stderrColors(opts: GlobalOptions): Colors {
  return pc.createColors(opts.color !== false && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
}

/**
 * A thrown error as the diagnostic the failure documents carry: a
 * PlumbError's code, message and hint (its `data.file`/`line`/`column` when it
 * has them); anything else is `cli.internal` (a bug) with its message.
 */
export function diagnosticOfError(e: unknown): Diagnostic {
  if (isPlumbError(e)) {
    const data = (e.data ?? {}) as { file?: unknown; line?: unknown; column?: unknown };
    return {
      severity: 'error',
      code: e.code,
      message: e.message,
      ...(e.hint ? { hint: e.hint } : {}),
      ...(typeof data.file === 'string' ? { file: data.file } : {}),
      ...(typeof data.line === 'number' ? { line: data.line } : {}),
      ...(typeof data.column === 'number' ? { column: data.column } : {}),
    };
  }
  return {
    severity: 'error',
    code: 'cli.internal',
    message: e instanceof Error ? e.message : String(e),
    hint: 'this is a bug in plumb; run again with PLUMB_DEBUG=1 for details and report it',
  };
}

/**
 * runCommand for a command with `-o`: the body gets the command's
 * {@link Outputs}; an error it throws (a missing repository, an unknown
 * revision, a provider that did not answer) is written as the failure
 * document of every output before runCommand prints it to stderr and exits 1
 * — so `-o json`, `-o markdown=comment.md` and `-o sarif=x.sarif` always hold
 * the reason, never nothing.
 */
export function runWithOutputs<F extends string = string>(
  opts: GlobalOptions & { output?: readonly OutputTarget[] },
  spec: OutputSpec<NoInfer<F>>,
  body: (out: Outputs<F>) => Promise<number>,
  context: () => FailureContext = () => ({}),
): Promise<never> {
  return runCommand(async () => {
    const out = new Outputs<F>(opts.output, spec, opts);
    try {
      return await body(out);
    } catch (e) {
      try {
        await out.writeFailure([diagnosticOfError(e)], context(), false);
      } catch (writing) {
        process.stderr.write(`warning: the failure could not be written to every -o output: ${writing instanceof Error ? writing.message : String(writing)}\n`);
      }
      throw e;
    }
  });
}
