import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { resetContentCache } from '../../../engine/cache/content-cache.js';
import { validate } from '../../../engine/operations/validate.js';
import { toolPath } from '../../../engine/render/tools.js';
import { copyExample } from '../../helpers/example-copy.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

/**
 * A PolicyException whose reason is SOPS-encrypted: the reason is quoted in the result of every CI it excepts — CIs
 * that hold no secret — and one shorter than the output scrubber looks for (MIN_SCRUB_LENGTH) passed keepAnswer's
 * quote check, so the decrypted value was written under content/validate-answer.
 */
const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const AGE_KEY_FILE = `${fixture('render-sops')}/age-key.txt`;
const saved = { ...process.env };
const made: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
let cacheDir = '';
beforeEach(() => {
  cacheDir = temp('plumb-answer-sops-cache-');
  Object.assign(process.env, { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE_KEY: KEY, SOPS_AGE_KEY_FILE: AGE_KEY_FILE });
  resetContentCache();
});
afterAll(() => {
  process.env = { ...saved };
  resetContentCache();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function cacheFiles(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
}

describeWithTools('validate answer and SOPS-encrypted policy documents', ['sops'], () => {
  it("an exception's encrypted reason, too short for the scrubber, never reaches the cache directory", async () => {
    const repo = copyExample(temp('plumb-answer-sops-'));
    const reason = 'Q7#';
    const file = join(repo, 'policies/secret-exception.sops.yaml');
    writeFileSync(
      file,
      `apiVersion: plumb.io/v1\nkind: PolicyException\nmetadata:\n  name: sops-exception\nspec:\n  policies: [image-pinned-by-digest]\n  targets: ["deployment:shop/search-api"]\n  reason: "${reason}"\n`,
    );
    const publicKey = /age1[0-9a-z]+/.exec(readFileSync(AGE_KEY_FILE, 'utf8'))![0];
    execFileSync(toolPath('sops')!, ['encrypt', '--age', publicKey, '--encrypted-regex', '^reason$', '--in-place', file], { stdio: 'pipe' });
    expect(readFileSync(file, 'utf8')).not.toContain(reason);
    const now = new Date('2026-12-01T12:00:00Z');
    for (let run = 0; run < 2; run++) {
      resetContentCache();
      const r = await validate({ repo, cwd: repo, now });
      expect(r.diagnostics.filter((d) => d.file === 'policies/secret-exception.sops.yaml')).toEqual([]);
      expect(
        r.policy.results.some((x) => x.ci === 'deployment:shop/search-api' && x.exception === 'sops-exception' && x.message.endsWith(`: ${reason})`)),
      ).toBe(true);
      expect(r.fromCache).toBe(false);
    }
    for (const bytes of cacheFiles(cacheDir)) {
      expect(bytes.includes(Buffer.from(reason, 'latin1'))).toBe(false);
      expect(bytes.includes(Buffer.from(reason, 'utf16le'))).toBe(false);
    }
  });
});
