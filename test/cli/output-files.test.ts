/**
 * `-o FORMAT=FILE` outputs (cli/output.ts) pass the secret scrubber as stdout
 * and stderr do: a known secret that reached a rendered text is not written
 * to the file either. In process, against real files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Outputs } from '../../cli/output.js';
import { secretScrubber } from '../../engine/redact/scrubber.js';

describe('Outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-output-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scrubs every known secret from file outputs, in every encoding the scrubber knows, and renders each format once', async () => {
    const secret = 'hunter2-outputs-test-value';
    secretScrubber.add(secret);
    // a stdout that keeps the Writable contract: a write's callback runs once it is written (plumb waits for it before exiting)
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((...args: unknown[]) => {
      const done = args.find((a): a is () => void => typeof a === 'function');
      done?.();
      return true;
    });
    try {
      const md = join(dir, 'comment.md');
      const json = join(dir, 'plan.json');
      const json2 = join(dir, 'again.json');
      const out = new Outputs<string>(
        [
          { format: 'markdown', file: md },
          { format: 'json', file: json },
          { format: 'json', file: json2 },
        ],
        { command: 'plan', defaultFormat: 'text' },
        { color: false },
      );
      const rendered: string[] = [];
      await out.write((format) => {
        rendered.push(format);
        return format === 'json' ? JSON.stringify({ password: secret, b64: Buffer.from(secret).toString('base64') }) : `the password is ${secret}`;
      });
      expect(rendered).toEqual(['markdown', 'json', 'text']);
      expect(readFileSync(md, 'utf8')).not.toContain(secret);
      expect(readFileSync(md, 'utf8')).toMatch(/^the password is \S+\n$/);
      for (const file of [json, json2]) {
        const text = readFileSync(file, 'utf8');
        expect(text).not.toContain(secret);
        expect(text).not.toContain(Buffer.from(secret).toString('base64'));
        expect(Object.keys(JSON.parse(text))).toEqual(['password', 'b64']);
      }
      expect(out.format).toBe('text');
    } finally {
      stdout.mockRestore();
    }
  });
});
