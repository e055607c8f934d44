import pc from 'picocolors';
import { flushGuardedStreams, guardStream, PlumbError } from '../engine/index.js';
import { EXIT } from './exit-codes.js';
import type { OutputTarget } from './program.js';

/**
 * Global options every command takes (docs/architecture.md): `--repo`, `-o/--output`,
 * `--no-color`, `--kubeconfig`, `--context`.
 */
export interface GlobalOptions {
  repo?: string;
  /** Every `-o FORMAT[=FILE]` given (outputOption in cli/program.ts). */
  output?: readonly OutputTarget[];
  color?: boolean;
  kubeconfig?: string;
  context?: string;
  forceConflicts?: boolean;
}

/** Colours on a terminal unless NO_COLOR or --no-color. */
export function useColor(opts: GlobalOptions): boolean {
  if (opts.color === false || process.env.NO_COLOR) return false;
  return Boolean(process.stdout.isTTY) || Boolean(process.env.FORCE_COLOR);
}

export function colors(opts: GlobalOptions) {
  return pc.createColors(useColor(opts));
}

/** Characters gathered from a text's pieces before one write (below it, a piece waits for the next). */
const WRITE_CHARS = 64 * 1024;

/**
 * Writes pieces of one text to stdout in turn, gathered into writes of
 * {@link WRITE_CHARS} characters or more, waiting for the stream to drain
 * when it asks to (a 29 MB plan is never one string); a newline ends the text
 * if its last piece does not. Gathered because stdout on a file is a
 * synchronous write per call: `plan -o json > plan.json` at 100k CIs made
 * ~200,000 writes (two per change) for 0.56 CPU-s, against 0.11 in 450
 * writes.
 */
export async function writeOutChunks(chunks: Iterable<string>): Promise<void> {
  let last = '';
  let gathered = '';
  for (const chunk of chunks) {
    if (chunk === '') continue;
    last = chunk;
    gathered += chunk;
    if (gathered.length < WRITE_CHARS) continue;
    const more = process.stdout.write(gathered);
    gathered = '';
    if (!more) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
  if (gathered !== '') process.stdout.write(gathered);
  if (!last.endsWith('\n')) process.stdout.write('\n');
  await flushed(process.stdout);
}

/** Writes to stdout and resolves once written (large JSON must not be cut off by process.exit). */
export async function writeOut(text: string): Promise<void> {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  await flushed(process.stdout);
}

/**
 * Resolves once everything written to `stream` so far has left the process.
 * A write that returns true is only buffered below the stream's high-water
 * mark (16 KiB for a pipe): when a slow reader keeps the pipe full, it is
 * still queued, and process.exit drops it. An empty write's callback runs
 * after every write before it (in order); a failed stream resolves too (its
 * error is the closed-pipe handler's, cli/closed-pipe.ts).
 */
export function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      // a failed write: its 'error' event (emitted after this callback) is the closed-pipe handler's to end the process
      stream.write('', (error?: Error | null) => (error ? setImmediate(resolve) : resolve()));
    } catch {
      resolve();
    }
  });
}

/**
 * Runs a command body and turns its result into an exit code, with stdout and
 * stderr guarded by the secret scrubber. Expected
 * failures (PlumbError) print `error: message` and the hint, never a stack trace;
 * anything else is a bug and prints a short message asking for a report, with
 * the stack only under PLUMB_DEBUG=1.
 */
export async function runCommand(body: () => Promise<number>): Promise<never> {
  // Every byte a command writes to the terminal passes the secret scrubber (docs/security.md); until a
  // command runs nothing has registered a secret, so commander's help and usage errors need no guard.
  guardStream(process.stdout);
  guardStream(process.stderr);
  let code: number;
  try {
    code = await body();
  } catch (e) {
    code = EXIT.failure;
    const red = pc.createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR).red;
    if (e instanceof PlumbError) {
      process.stderr.write(`${red('error')}: ${e.message}\n`);
      if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`${red('error')}: ${msg}\n`);
      process.stderr.write('  hint: this is a bug in plumb; run again with PLUMB_DEBUG=1 for details and report it\n');
      if (process.env.PLUMB_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    }
  }
  flushGuardedStreams(); // a held-back tail (a possible secret's start) is written, scrubbed, before exit
  // and nothing written is dropped by the exit: a pipe's reader may be slower than plumb (plan -o json | jq)
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
