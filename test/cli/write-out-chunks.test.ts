import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOutChunks } from '../../cli/run-command.js';

/**
 * `plan -o json` writes its text in pieces (two per change): gathered into
 * writes of 64 Ki characters, the same text in a few hundred writes instead of
 * one per piece (stdout on a file is one synchronous write per call).
 */
describe('writeOutChunks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the joined text, gathered into few writes, ending in a newline', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      writes.push(String(chunk));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write);
    const pieces = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? `,\n    ` : `{"id": "configmap:ns-0/wl-${i}", "action": "noop"}`));
    await writeOutChunks(['{', ...pieces, '', '}']);
    const text = writes.join('');
    expect(text).toBe(`{${pieces.join('')}}\n`);
    expect(writes.filter((w) => w !== '').length).toBeLessThanOrEqual(Math.ceil(text.length / 65_536) + 2);
    // a piece larger than a write goes out whole, in order
    writes.length = 0;
    const big = 'x'.repeat(200_000);
    await writeOutChunks(['a', big, 'b\n']);
    expect(writes.join('')).toBe(`a${big}b\n`);
  });
});
