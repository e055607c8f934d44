import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

// `plumb` on PATH, as a user has it after `npm link`: the completion scripts call it by name
const bin = mkdtempSync(join(tmpdir(), 'plumb-completion-'));
const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
const TSX = fileURLToPath(import.meta.resolve('tsx'));
writeFileSync(join(bin, 'plumb'), `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${MAIN}" "$@"\n`);
chmodSync(join(bin, 'plumb'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs bash with the completion loaded, completing `line` (the cursor at its end) in `cwd`; returns COMPREPLY. */
function bashComplete(line: string, cwd = PROJECT_ROOT): string[] {
  const script = [
    'source <(plumb completion bash)',
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
    'read -r -a COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" =~ [[:space:]]$ ]] && COMP_WORDS+=("")',
    'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
    '_plumb_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const out = execFileSync('bash', ['-c', script], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return out.split('\n').filter(Boolean);
}

describe('plumb completion', () => {
  it('bash: the script registers a completion function for plumb', () => {
    const out = execFileSync('bash', ['-c', 'source <(plumb completion bash); complete -p plumb'], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.trim()).toBe('complete -o default -F _plumb_complete plumb');
  });

  it('bash: commands, flags with the global ones, -o formats', () => {
    expect(bashComplete('plumb va')).toEqual(['validate']);
    expect(bashComplete('plumb st')).toEqual(['status']);
    expect(bashComplete('plumb plan --re')).toEqual(['--rev', '--repo']);
    expect(bashComplete('plumb plan -o ')).toEqual(['text', 'json', 'sarif', 'markdown']);
    expect(bashComplete('plumb impact x:y --event d')).toEqual(['down', 'delete']);
    expect(bashComplete('plumb completion ')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('bash: target names and CI ids from the repository, a CI id past the colon bash splits at', () => {
    expect(bashComplete('plumb plan --target ')).toEqual(['shop']);
    expect(bashComplete('plumb impact database:shop/orders-d')).toEqual(['shop/orders-db', 'shop/orders-db-replica']);
    expect(bashComplete(`plumb --repo ${join(PROJECT_ROOT, 'test/fixtures/impact-shop')} why host:shop/db`, tmpdir())).toEqual(['shop/db-host']);
  });

  // .ci/run installs zsh and fish, so CI (PLUMB_REQUIRE_CLUSTER=1) runs these; elsewhere they need the shell
  const required = process.env.PLUMB_REQUIRE_CLUSTER === '1';
  const zsh = required || spawnSync('zsh', ['--version']).status === 0;
  it.runIf(zsh)('zsh (when installed): the script parses, registers _plumb, and passes the words up to the cursor', () => {
    const script = [
      'autoload -U compinit; compinit -u 2>/dev/null',
      'source <(plumb completion zsh)',
      'print -r -- ${_comps[plumb]}',
      'words=(plumb plan -o ""); CURRENT=4',
      'plumb __complete -- "${(@)words[2,CURRENT]}"',
    ].join('\n');
    const out = execFileSync('zsh', ['-f', '-c', script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(out.split('\n').filter(Boolean)).toEqual(['_plumb', 'text', 'json', 'sarif', 'markdown']);
  });

  const fish = required || spawnSync('fish', ['--version']).status === 0;
  it.runIf(fish)('fish (when installed): candidates when there are some, file names only when plumb offers nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-fish-'));
    try {
      writeFileSync(join(dir, 'plan.json'), '{}');
      const complete = (line: string, cwd = PROJECT_ROOT) =>
        execFileSync('fish', ['-N', '-c', `plumb completion fish | source; complete -C ${JSON.stringify(line)}`], {
          cwd,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' },
          encoding: 'utf8',
          timeout: 120_000,
        })
          .split('\n')
          .filter(Boolean);
      expect(complete('plumb pla')).toEqual(['plan']);
      // -o's values only: no file of the working directory mixed in
      expect(complete('plumb plan -o ')).toEqual(['json', 'markdown', 'sarif', 'text']);
      expect(complete('plumb plan --target ')).toEqual(['shop']);
      // apply's plan file: plumb offers nothing, so the shell's file names
      expect(complete('plumb --repo . apply pl', dir)).toEqual(['plan.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('zsh and fish scripts ask the same __complete', async () => {
    for (const shell of ['zsh', 'fish']) {
      const r = await runCli(['completion', shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('plumb __complete --');
    }
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
