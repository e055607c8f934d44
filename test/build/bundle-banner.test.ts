import { describe, expect, it } from 'vitest';
import { BANNER, dropUnusedBanner } from './bundle-cli.js';

/**
 * The bundle's `require` banner (test/build/bundle-cli.ts) stays only on the
 * output files that use `require`: a chunk without it is one `createRequire`
 * less at start-up, and a chunk with it must keep the binding it calls.
 */
describe("the bundle's require banner", () => {
  it('is dropped from a chunk that never names require', () => {
    expect(dropUnusedBanner(`${BANNER}\nimport { a } from "./chunk-A.js";\nvar __require2 = a; var require2 = 1; x.require(1);\n`)).toBe(
      'import { a } from "./chunk-A.js";\nvar __require2 = a; var require2 = 1; x.require(1);\n',
    );
  });

  it('stays on a chunk that calls, tests or reads require (the runtime chunk of __require)', () => {
    for (const body of [
      'var __require = ((x) => typeof require !== "undefined" ? require : x)(function(x) {});',
      'const path = require("node:path");',
      'const found = require.resolve("socks-proxy-agent");',
      'foo(require)',
    ]) {
      const code = `${BANNER}\n${body}\n`;
      expect(dropUnusedBanner(code)).toBe(code);
    }
  });

  it("keeps the entry's hashbang first", () => {
    expect(dropUnusedBanner(`#!/usr/bin/env node\n${BANNER}\nawait import("./program.js");\n`)).toBe('#!/usr/bin/env node\nawait import("./program.js");\n');
    const uses = `#!/usr/bin/env node\n${BANNER}\nrequire("node:fs");\n`;
    expect(dropUnusedBanner(uses)).toBe(uses);
  });

  it('leaves a file without the banner as it is', () => {
    expect(dropUnusedBanner('export const a = 1;\n')).toBe('export const a = 1;\n');
  });
});
