import { StringDecoder } from 'node:string_decoder';
import { secretScrubber, StreamScrubber } from './scrubber.js';

/** How long a held-back tail may wait for the next write before it is written (scrubbed) anyway. */
export const GUARD_FLUSH_MS = 50;

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;
type Callback = (error?: Error | null) => void;

const guards = new Map<NodeJS.WritableStream, () => void>();
let exitHooked = false;
/**
 * Set once the process's `exit` event began: a listener after ours (Ink's
 * cursor restore writes `ESC[?25h` there) gets nothing held back — no timer and
 * no later flush would ever write it, and a terminal left with half an escape
 * sequence eats the next character the shell prints.
 */
let exiting = false;

/**
 * Makes a writable stream scrub every chunk written to it through the
 * process-wide scrubber (engine/redact/scrubber.ts) — the one exit every
 * front end's text passes: the CLI's text, JSON, Markdown and SARIF, the
 * TUI's frames, error messages. Installed once per stream by cli/run-command.ts, before a command's body runs.
 *
 * A secret split across writes (`write('pass'); write('word123')`) is caught
 * too: the tail of a write that could be the beginning of a known secret's
 * form (raw, JSON-escaped, base64) is held back — at most the longest form's
 * length minus one character — until the next write decides it, then
 * written scrubbed: after {@link GUARD_FLUSH_MS} ms without a write, on
 * {@link flushGuardedStreams}, and on the process's `beforeExit` and `exit`
 * (stdout and stderr are synchronous there for files and pipes on Linux), so
 * output keeps its order and nothing is lost. Byte chunks are decoded as
 * UTF-8 across writes (a character split between two writes stays whole).
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  if (guards.has(stream)) return;
  const write = stream.write.bind(stream) as Write;
  const pending = new StreamScrubber(secretScrubber);
  const decoder = new StringDecoder('utf8');
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const rest = pending.end() + secretScrubber.scrub(decoder.end());
    if (rest) write(rest);
  };
  guards.set(stream, flush);
  if (!exitHooked) {
    exitHooked = true;
    process.on('beforeExit', flushGuardedStreams);
    process.on('exit', () => {
      exiting = true;
      flushGuardedStreams();
    });
  }

  (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const callback = rest.find((r): r is Callback => typeof r === 'function');
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
    let text: string;
    if (typeof chunk === 'string')
      text = encoding && encoding !== 'utf8' && encoding !== 'utf-8' ? decoder.write(Buffer.from(chunk, encoding)) : decoder.end() + chunk;
    else if (chunk instanceof Uint8Array) text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    else return write(chunk, ...rest);
    if (secretScrubber.size === 0 && pending.pending === 0) return write(text, ...(callback ? [callback] : []));
    const out = exiting ? pending.push(text) + pending.end() : pending.push(text);
    if (timer) clearTimeout(timer);
    timer = pending.pending > 0 ? setTimeout(flush, GUARD_FLUSH_MS).unref() : undefined;
    return write(out, ...(callback ? [callback] : []));
  };
}

/**
 * Writes whatever every guarded stream holds back (scrubbed). Called on the
 * process's exit and by the CLI before it exits; safe to call at any time.
 */
export function flushGuardedStreams(): void {
  for (const flush of guards.values()) flush();
}
