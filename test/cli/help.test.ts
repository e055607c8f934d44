import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, EXIT_MEANING } from '../../cli/exit-codes.js';
import { GLOBAL_OPTIONS } from '../../cli/global-options.js';
import { buildProgram } from '../../cli/program.js';
import { writeK8sRepo } from '../cluster/k8s-fixture.js';
import { freePort } from '../cluster/control-plane.js';
import { fixture, PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const COMMANDS_DIR = join(PROJECT_ROOT, 'cli/commands');
const ACTIONS_DIR = join(PROJECT_ROOT, 'cli/actions');
/** cli/commands/ files that define no command. */
const NOT_COMMANDS = new Set(['index.ts', 'lazy-action.ts']);

const definitionFiles = readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.ts') && !NOT_COMMANDS.has(f));
const visible = (o: Option) => !o.hidden;

describe('plumb help', () => {
  const program = buildProgram();
  // hidden commands (the completion scripts' __complete) are plumbing, not part of the help
  const shown = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);

  it('registers a command for every definition in cli/commands/ and an action module for each', async () => {
    const names = shown.map((c) => c.name()).sort();
    expect(names).toEqual(definitionFiles.map((f) => f.replace(/\.ts$/, '')).sort());
    for (const name of names) {
      const mod = (await import(join(ACTIONS_DIR, `${name}.ts`))) as { action?: unknown };
      expect(typeof mod.action, `cli/actions/${name}.ts exports action`).toBe('function');
    }
  });

  it('`plumb --help` lists every command, and `plumb help <command>` every visible option of it', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of shown) expect(top.stdout).toMatch(new RegExp(`^  ${cmd.name()}\\b`, 'm'));
    const helps = await Promise.all(shown.map((cmd: Command) => runCli(['help', cmd.name()])));
    shown.forEach((cmd: Command, i) => {
      const { code, stdout } = helps[i];
      expect(code, cmd.name()).toBe(0);
      expect(stdout).toContain(`Usage: plumb ${cmd.name()}`);
      const options = cmd.options.filter(visible);
      // every option a command has is listed (completion has an argument and no option of its own)
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
    // main.ts reads where the compile cache lives from engine/cache/cache-settings.ts, which imports Node built-ins only (checked below)
    const cheap = /^(node:[\w/]+|commander|\.\/[\w-]+\.js|\.\/commands\/index\.js|\.\.\/program\.js|\.\.\/engine\/cache\/cache-settings\.js)$/;
    const settings = readFileSync(join(COMMANDS_DIR, '../../engine/cache/cache-settings.ts'), 'utf8');
    for (const m of settings.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gms)) expect(m[2], `cache-settings.ts imports ${m[2]}`).toMatch(/^node:/);
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

/** The full help of a command as `plumb COMMAND --help` prints it (the text added after the options included). */
function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

describe('plumb COMMAND --help', () => {
  const program = buildProgram();
  const commands = program.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden);

  it('registers every command', () => {
    expect(commands.map((c) => c.name())).toEqual(expect.arrayContaining(['validate', 'plan', 'apply', 'restore']));
  });

  it.each(commands.map((c) => [c.name(), c] as const))('%s: examples, exit codes from cli/exit-codes.ts, the global flags', (_name, cmd) => {
    const help = helpOf(cmd);
    const examples = help.slice(help.indexOf('\nExamples:\n'));
    expect(examples).toMatch(/^\nExamples:\n {2}# \S.*\n {2}plumb \S/);
    const codes = help
      .slice(help.indexOf('\nExit codes:\n') + 1)
      .trimEnd()
      .split('\n')
      .slice(1);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    // every line is generated from EXIT and EXIT_MEANING, and success and failure are always there
    const table = new Map(Object.entries(EXIT).map(([name, code]) => [`  ${code}  ${EXIT_MEANING[name as keyof typeof EXIT]}`, code]));
    for (const line of codes) expect(table.has(line), line).toBe(true);
    expect(codes[0]).toBe(`  ${EXIT.ok}  ${EXIT_MEANING.ok}`);
    expect(codes[1]).toBe(`  ${EXIT.failure}  ${EXIT_MEANING.failure}`);
    for (const o of GLOBAL_OPTIONS) expect(help).toContain(o.flags.split(' ')[0]);
  });

  it('plan documents 2 and 3; validate 3 but not 2', () => {
    const byName = (n: string) => helpOf(commands.find((c) => c.name() === n)!);
    expect(byName('plan')).toContain(`  ${EXIT.changes}  ${EXIT_MEANING.changes}\n  ${EXIT.denied}  ${EXIT_MEANING.denied}`);
    expect(byName('validate')).toContain(`  ${EXIT.denied}  ${EXIT_MEANING.denied}`);
    expect(byName('validate')).not.toContain(EXIT_MEANING.changes);
  });

  it('the printed help of a real run has them (plumb plan --help, plumb --help)', async () => {
    const plan = await runCli(['plan', '--help']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Examples:\n  # what would change');
    expect(plan.stdout).toContain('Exit codes:\n  0  success\n');
    expect(plan.stdout).toContain('Global Options:');
    const root = await runCli(['--help']);
    expect(root.stdout).toContain('Exit codes:');
    expect(root.stdout).toMatch(/\n {2}validate\b/);
  });
});

describe('global flags before the command', () => {
  let dir: string | undefined;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('--repo DIR validate equals validate --repo DIR', async () => {
    const repo = fixture('impact-shop');
    const before = await runCli(['--repo', repo, 'validate', '-o', 'json'], { cwd: tmpdir() });
    const after = await runCli(['validate', '-o', 'json', '--repo', repo], { cwd: tmpdir() });
    expect(before.code).toBe(0);
    expect(before).toEqual(after);
    expect(JSON.parse(before.stdout).cis).toBe(11);
  });

  it('--no-color before the command turns colours off (FORCE_COLOR would turn them on)', async () => {
    const repo = fixture('validate-ref-unresolved');
    const env = { NO_COLOR: undefined, FORCE_COLOR: '1' };
    const coloured = await runCli(['validate', '--repo', repo], { env });
    expect(coloured.stdout).toContain('\x1b[');
    const plain = await runCli(['--no-color', 'validate', '--repo', repo], { env });
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toContain('ref.unresolved');
  });

  it('--kubeconfig FILE and --context NAME before the command reach the Kubernetes provider', async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-global-flags-'));
    writeK8sRepo(dir, { namespaces: ['global-flags'], configMaps: 1 });
    const port = await freePort();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: dead',
        `clusters: [{name: dead, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: dead, context: {cluster: dead, user: u}}]',
        '',
      ].join('\n'),
    );
    const home = join(dir, 'home'); // no ~/.kube/config, no KUBECONFIG: only the flag names a cluster
    const env = { HOME: home, KUBECONFIG: undefined };
    const viaFlag = await runCli(['--kubeconfig', kubeconfig, 'plan', '--repo', dir], { env });
    expect(viaFlag.code).toBe(1);
    expect(viaFlag.stderr).toContain('kubernetes.unreachable');
    const context = await runCli(['--kubeconfig', kubeconfig, '--context', 'nope', 'plan', '--repo', dir], { env });
    expect(context.code).toBe(1);
    expect(context.stderr).toContain('context "nope" is not in the kubeconfig');
    // the same flags after the command mean the same
    const after = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfig, '--context', 'nope'], { env });
    expect(after.stderr).toBe(context.stderr);
  });
});

describe('did-you-mean for commands, flags and -o formats', () => {
  it.each([
    [['valdate'], "error: unknown command 'valdate'\n(Did you mean validate?)"],
    [['validate', '--rpo', 'x'], "error: unknown option '--rpo'\n(Did you mean --repo?)"],
    [
      ['validate', '-o', 'jsn'],
      "error: option '-o, --output <format[=file]>' argument 'jsn' is invalid. Allowed choices are text, json, sarif (optionally FORMAT=FILE).\n(Did you mean json?)",
    ],
    [['impact', 'x:y', '--event', 'dwn'], '(Did you mean down?)'],
    [['review', '--base', 'HEAD', '-o', 'markdwn=comment.md'], '(Did you mean markdown?)'],
    [['completion', 'bsh'], "error: command-argument value 'bsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n(Did you mean bash?)"],
  ])('plumb %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
