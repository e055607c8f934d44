import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { resetContentCache } from '../../../engine/cache/content-cache.js';
import { validate } from '../../../engine/operations/validate.js';
import { toolPath } from '../../../engine/render/tools.js';
import { copyExample } from '../../helpers/example-copy.js';
import { filesUnder, privateCacheEach } from '../../helpers/private-cache.js';
import { fixture } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

/**
 * A PolicyException whose reason is SOPS-encrypted: the reason is quoted in the result of every CI it excepts — CIs
 * that hold no secret — and one shorter than the output scrubber looks for (MIN_SCRUB_LENGTH) passed keepAnswer's
 * quote check, so the decrypted value was written under content/validate-answer.
 */
const AGE_KEY_FILE = `${fixture('render-sops')}/age-key.txt`;
const { temp, cacheDir } = privateCacheEach('plumb-answer-sops-cache-', { SOPS_AGE_KEY_FILE: AGE_KEY_FILE });

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
    for (const bytes of filesUnder(cacheDir())) {
      expect(bytes.includes(Buffer.from(reason, 'latin1'))).toBe(false);
      expect(bytes.includes(Buffer.from(reason, 'utf16le'))).toBe(false);
    }
  });
});
