/**
 * The cost of scrubbing output as a stream (the stdout/stderr guard, an exec
 * plugin's stderr) against scrubbing each write on its own, with 1,000 known
 * secrets: whole lines (the CLI's usual writes) and writes that end in a
 * possible start of a secret (the tail is held back).
 *
 *   node --import tsx test/bench/scrub-stream.ts [writes]
 */
import { SecretScrubber, StreamScrubber } from '../../engine/redact/scrubber.js';

const writes = Number(process.argv[2] ?? 100_000);
const s = new SecretScrubber();
for (let i = 0; i < 1000; i++) s.add(`secret-value-${i}-${'k'.repeat(i % 40)}`);
const line = 'plan: configmap:shop/app-settings will be updated (2 fields) ok\n';
const fragment = 'partial frame text ending in se';

function time(what: string, f: () => void): number {
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  f();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(cpu);
  console.log(
    `${what.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms CPU  ${((ms * 1000) / writes).toFixed(2)} µs/write`,
  );
  return ms;
}

console.log(`${writes} writes, 1,000 secrets, longest form ${s.maxFormLength} characters`);
const base = time('scrub each write alone (baseline)', () => {
  for (let i = 0; i < writes; i++) s.scrub(line);
});
const stream = new StreamScrubber(s);
const lines = time('stream: whole lines', () => {
  for (let i = 0; i < writes; i++) stream.push(line);
});
const held = time("stream: writes ending in a secret's start", () => {
  for (let i = 0; i < writes; i++) stream.push(fragment);
});
console.log(`ratio to baseline: whole lines ${(lines / base).toFixed(2)}, held tails ${(held / base).toFixed(2)}; held now ${stream.pending} characters`);
