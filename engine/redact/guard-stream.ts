import { secretScrubber } from './scrubber.js';

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * Makes a writable stream scrub every chunk written to it through the
 * process-wide scrubber (engine/redact/scrubber.ts) — the one exit every
 * front end's text passes: the CLI's text, JSON, Markdown and SARIF, the
 * TUI's frames, error messages. Installed once per stream by cli/main.ts.
 * A secret split across two writes is not caught here; plumb's renderers
 * write whole lines or frames, and structured redaction comes first anyway.
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (secretScrubber.size === 0) return write(chunk, ...rest);
    if (typeof chunk === 'string') return write(secretScrubber.scrub(chunk), ...rest);
    if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      const clean = secretScrubber.scrub(text);
      return write(clean === text ? chunk : clean, ...rest.filter((r) => typeof r === 'function'));
    }
    return write(chunk, ...rest);
  };
}
