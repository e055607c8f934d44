import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';

describe('the content cache from the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-cli-cache-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written under $PLUMB_CACHE_DIR/content and a second run says the same; --no-cache neither reads nor writes it', async () => {
    const repo = fixture('review-pr');
    const on = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: join(dir, 'on') };
    const cold = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: on });
    expect(cold.code).toBe(0);
    expect(readdirSync(join(dir, 'on', 'content')).sort()).toEqual(expect.arrayContaining(['parse', 'validate']));
    const warm = await runCli(['validate', '--repo', repo, '-o', 'json'], { env: on });
    expect(warm).toEqual(cold);
    const off = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: join(dir, 'off') };
    const uncached = await runCli(['validate', '--repo', repo, '-o', 'json', '--no-cache'], { env: off });
    expect(uncached).toEqual(cold);
    expect(existsSync(join(dir, 'off', 'content', 'parse'))).toBe(false);
  });
});
