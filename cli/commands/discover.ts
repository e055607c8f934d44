import { resolve } from 'node:path';
import { inertDeep } from '../../engine/report/inert.js';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { loadRepository } from '../../engine/load/load-repository.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../engine/model/diagnostic.js';
import { PlumbError } from '../../engine/model/errors.js';
import type { PlumbConfig } from '../../engine/config/types.js';
import { writeFileAtomic } from '../../engine/providers/atomic-write.js';
import { recordSnapshot } from '../../engine/providers/snapshot/record-snapshot.js';
import { renderSnapshot } from '../../engine/providers/snapshot/write-snapshot.js';
import { EXIT } from '../exit-codes.js';
import { addGlobalOptions, providerSettings } from '../program.js';
import { runCommand, writeOut, type GlobalOptions } from '../run-command.js';

interface DiscoverOptions extends GlobalOptions {
  target?: string;
  out?: string;
}

/**
 * `plumb discover [--target NAME] [-o yaml|json] [--out FILE]`: what a target's
 * provider sees, as a snapshot (the file a `snapshot` target reads). Secret
 * values are written as `(sensitive)`. Exit 1 with diagnostics on failure.
 */
export function register(program: Command): void {
  const cmd = new Command('discover')
    .description('record the actual state a target sees as a snapshot (secrets redacted), for offline plans and reviews')
    .option('--target <name>', 'the target of plumb.yaml to discover (default: defaultTarget, else the only one)')
    .option('--out <file>', 'write the snapshot to this file (atomically) instead of stdout')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'));
  addGlobalOptions(cmd).action((opts: DiscoverOptions) =>
    runCommand(async () => {
      const repo = await loadRepository({ repo: opts.repo, cwd: process.cwd() });
      const target = chooseTarget(repo.config, opts.target);
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(new PlumbError('discover.interrupted', 'discover interrupted'));
      process.once('SIGINT', onInterrupt);
      try {
        const { snapshot, diagnostics } = await recordSnapshot({
          repo, target, now: new Date(), signal: controller.signal, cliSettings: providerSettings(opts),
        });
        report(diagnostics, opts);
        if (!snapshot || hasErrors(diagnostics)) return EXIT.failure;
        const text = renderSnapshot(snapshot, opts.output === 'json' ? 'json' : 'yaml');
        if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), text);
        else await writeOut(text);
        return EXIT.ok;
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    }),
  );
  program.addCommand(cmd);
}

function chooseTarget(config: PlumbConfig, requested: string | undefined): string {
  const names = Object.keys(config.targets);
  const known = names.length ? `known targets: ${names.join(', ')}` : 'add one under `targets:` in plumb.yaml';
  if (requested !== undefined) {
    if (config.targets[requested]) return requested;
    throw new PlumbError('discover.unknown-target', `no target named ${requested} in plumb.yaml`, { hint: known });
  }
  if (config.defaultTarget && config.targets[config.defaultTarget]) return config.defaultTarget;
  if (names.length === 1) return names[0];
  throw new PlumbError(names.length ? 'discover.ambiguous-target' : 'discover.no-targets', names.length ? 'plumb.yaml declares several targets; say which to discover' : 'plumb.yaml declares no targets to discover', {
    hint: names.length ? `pass --target (${known})` : known,
  });
}

/** Diagnostics on stderr, `file:line:column: severity code: message`, with hints. */
function report(diagnostics: readonly Diagnostic[], opts: GlobalOptions): void {
  const c = pc.createColors(opts.color !== false && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  for (const d of sortDiagnostics(inertDeep(diagnostics))) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
    const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.dim('info');
    process.stderr.write(`${where}${sev} ${d.code}: ${d.message}${d.ci && !d.message.includes(d.ci) ? ` (${d.ci})` : ''}\n`);
    if (d.hint) process.stderr.write(`  hint: ${d.hint}\n`);
  }
}
