import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defaultContentCache } from '../cache/content-cache.js';

/** The external programs the render stage runs. */
export type RenderTool = 'kustomize' | 'helm' | 'sops';

/**
 * The versions CI builds (test/tools/build.sh) and the tests run against.
 * Other versions work as far as their command lines agree; plumb reports the
 * version it used either way.
 */
export const TESTED_VERSIONS: Readonly<Record<RenderTool, string>> = {
  kustomize: 'v5.8.2',
  helm: 'v3.22.0',
  sops: 'v3.13.3',
};

/** The variable naming each tool's binary explicitly (checked first). */
export const TOOL_ENV: Readonly<Record<RenderTool, string>> = {
  kustomize: 'PLUMB_KUSTOMIZE',
  helm: 'PLUMB_HELM',
  sops: 'PLUMB_SOPS',
};

/** A tool found on this machine. */
export interface FoundTool {
  readonly tool: RenderTool;
  /** Absolute path of the binary. */
  readonly path: string;
  /** As the tool reports it, normalized to `vX.Y.Z` when it looks like one; `unknown` when it would not say. */
  readonly version: string;
}

/** Where test/tools/build.sh puts the tools: `~/.cache/plumb/tools/<tool>/<version>/<tool>`. */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLUMB_TOOLS_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plumb', 'tools');
}

const found = new Map<string, Promise<FoundTool | undefined>>();

/**
 * Finds a tool: `$PLUMB_<TOOL>` (a path), then the tested version in the tools
 * cache (test/tools/build.sh), then `PATH`. Its version is asked once per
 * process and binary, and kept in the content cache (engine/cache) under the
 * binary's path, device, inode, size and modification time, so a later run
 * does not start `helm version` and `kustomize version` again (~50 ms of CPU
 * and two process starts per run) until the binary is replaced. Resolves
 * undefined when the tool is nowhere; never throws.
 */
export function findTool(tool: RenderTool, env: NodeJS.ProcessEnv = process.env): Promise<FoundTool | undefined> {
  const path = locate(tool, env);
  if (path === undefined) return Promise.resolve(undefined);
  let hit = found.get(path);
  if (!hit) found.set(path, (hit = knownVersion(tool, path).then((version) => ({ tool, path, version }))));
  return hit;
}

/** The version of the binary at `path`: from the content cache while the file is the same, else asked (and kept). */
async function knownVersion(tool: RenderTool, path: string): Promise<string> {
  const cache = defaultContentCache();
  let key: string | undefined;
  try {
    const st = statSync(path);
    key = `${tool}\0${path}\0${st.dev}:${st.ino}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    // gone since it was located: ask it, which reports 'unknown'
  }
  const kept = cache && key ? cache.get<unknown>('tool-version', key) : undefined;
  if (typeof kept === 'string') return kept;
  const version = await versionOf(tool, path);
  if (cache && key && version !== 'unknown') cache.set('tool-version', key, version);
  return version;
}

/** The path `findTool` would use, without asking the version (synchronous); undefined when the tool is nowhere. */
export function toolPath(tool: RenderTool | 'age-keygen', env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (tool === 'age-keygen') {
    const cached = join(toolsCacheDir(env), tool, AGE_VERSION, tool);
    return isExecutable(cached)
      ? cached
      : (env.PATH ?? '')
          .split(delimiter)
          .map((d) => join(d, tool))
          .find((p) => isExecutable(p));
  }
  return locate(tool, env);
}

/** age-keygen, which only the tests use (to make keys): built beside the others by test/tools/build.sh. */
const AGE_VERSION = 'v1.3.2';

function locate(tool: RenderTool, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env[TOOL_ENV[tool]];
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  const cached = join(toolsCacheDir(env), tool, TESTED_VERSIONS[tool], tool);
  if (isExecutable(cached)) return cached;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, tool))) return join(dir, tool);
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const VERSION_ARGS: Record<RenderTool, string[]> = {
  kustomize: ['version'],
  helm: ['version', '--template', '{{.Version}}'],
  sops: ['--version', '--disable-version-check'],
};

function versionOf(tool: RenderTool, path: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(path, VERSION_ARGS[tool], { timeout: 10_000, env: { ...process.env, SOPS_DISABLE_VERSION_CHECK: '1' } }, (error, stdout) => {
      if (error) return resolve('unknown');
      const match = /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(String(stdout));
      resolve(match ? `v${match[1]}` : 'unknown');
    });
  });
}

/** How a user gets each tool (the hint of `render.tool-missing`). */
export const INSTALL_HINT: Readonly<Record<RenderTool, string>> = {
  kustomize: `install kustomize ${TESTED_VERSIONS.kustomize} (go install sigs.k8s.io/kustomize/kustomize/v5@${TESTED_VERSIONS.kustomize}, or test/tools/build.sh) or set ${TOOL_ENV.kustomize} to its path`,
  helm: `install helm ${TESTED_VERSIONS.helm} (go install helm.sh/helm/v3/cmd/helm@${TESTED_VERSIONS.helm}, or test/tools/build.sh) or set ${TOOL_ENV.helm} to its path`,
  sops: `install sops ${TESTED_VERSIONS.sops} (go install github.com/getsops/sops/v3/cmd/sops@${TESTED_VERSIONS.sops}, or test/tools/build.sh) or set ${TOOL_ENV.sops} to its path`,
};
