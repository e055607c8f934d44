import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const COMMANDS_DIR = join(PROJECT_ROOT, 'cli/commands');
const ACTIONS_DIR = join(PROJECT_ROOT, 'cli/actions');
/** cli/commands/ files that define no command. */
const NOT_COMMANDS = new Set(['index.ts', 'lazy-action.ts']);

const definitionFiles = readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.ts') && !NOT_COMMANDS.has(f));
const visible = (o: Option) => !o.hidden;

describe('plumb help', () => {
  const program = buildProgram();

  it('registers a command for every definition in cli/commands/ and an action module for each', async () => {
    const names = program.commands.map((c) => c.name()).sort();
    expect(names).toEqual(definitionFiles.map((f) => f.replace(/\.ts$/, '')).sort());
    for (const name of names) {
      const mod = (await import(join(ACTIONS_DIR, `${name}.ts`))) as { action?: unknown };
      expect(typeof mod.action, `cli/actions/${name}.ts exports action`).toBe('function');
    }
  });

  it('`plumb --help` lists every command, and `plumb help <command>` every visible option of it', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of program.commands) expect(top.stdout).toMatch(new RegExp(`^  ${cmd.name()}\\b`, 'm'));
    const helps = await Promise.all(program.commands.map((cmd: Command) => runCli(['help', cmd.name()])));
    program.commands.forEach((cmd: Command, i) => {
      const { code, stdout } = helps[i];
      expect(code, cmd.name()).toBe(0);
      expect(stdout).toContain(`Usage: plumb ${cmd.name()}`);
      const options = cmd.options.filter(visible);
      expect(options.length).toBeGreaterThan(0);
      for (const o of options) expect(stdout, `${cmd.name()} ${o.flags}`).toContain(o.flags);
      for (const o of cmd.options.filter((o) => o.hidden)) expect(stdout).not.toContain(o.flags);
    });
  });

  it('`plumb --version` prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('command definitions load no engine code: every import of cli/commands/ is a Node built-in, commander, a type, or another cheap cli module', () => {
    const cheap = /^(node:[\w/]+|commander|\.\/[\w-]+\.js|\.\/commands\/index\.js|\.\.\/program\.js)$/;
    for (const file of [...definitionFiles, ...NOT_COMMANDS, '../program.ts', '../main.ts']) {
      const source = readFileSync(join(COMMANDS_DIR, file), 'utf8');
      for (const m of source.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gms)) {
        if (m[1]) continue; // erased by the compiler
        expect(m[2], `${file} imports ${m[2]}`).toMatch(cheap);
      }
      // the actions are imported on call, never at load
      expect(source).not.toMatch(/^import[^;]*actions\//m);
    }
  });
});
