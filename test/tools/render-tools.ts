import { describe } from 'vitest';
import { toolPath, type RenderTool } from '../../engine/render/tools.js';

/**
 * `describe` for tests that run the real render tools (kustomize, helm, sops,
 * age-keygen). Without them the suite is skipped with a message saying how to
 * build them — unless PLUMB_REQUIRE_CLUSTER=1 (set by .ci/run, which builds
 * them first), where a missing tool fails.
 */
export function describeWithTools(name: string, tools: readonly (RenderTool | 'age-keygen')[], body: () => void): void {
  const missing = tools.filter((t) => toolPath(t) === undefined);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `${missing.join(', ')} not found. Run test/tools/build.sh (needs Go >= 1.26) to build them into ~/.cache/plumb/tools.`;
  if (process.env.PLUMB_REQUIRE_CLUSTER === '1') {
    describe(name, () => {
      throw new Error(`PLUMB_REQUIRE_CLUSTER=1 but the render tools are missing: ${why}`);
    });
    return;
  }
  console.warn(`skipping "${name}": ${why}`);
  describe.skip(name, body);
}
