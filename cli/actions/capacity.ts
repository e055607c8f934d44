import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  capacityJson,
  PlumbError,
  renderCapacityText,
  runCapacity,
  signalChartPng,
  signalChartSvg,
  sortDiagnostics,
  recordingText,
  type Series,
} from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { parseInstant } from '../parse-instant.js';
import { runWithOutputs } from '../output.js';
import type { GlobalOptions } from '../run-command.js';

interface CapacityOptions extends GlobalOptions {
  rev?: string;
  chart?: string;
  chartFormat?: 'svg' | 'png';
  record?: string;
  at?: string;
}

/** `plumb capacity`'s action: what runs once commander has parsed the command line (cli/commands/capacity.ts). */
export const action = (refs: string[], opts: CapacityOptions) =>
  runWithOutputs(opts, { command: 'capacity', defaultFormat: 'text' }, async (out) => {
    let now: Date | undefined;
    if (opts.at !== undefined) {
      now = parseInstant(opts.at);
      if (now === undefined)
        throw new PlumbError('cli.bad-option', `--at must be an RFC 3339 time, not ${JSON.stringify(opts.at)}`, { hint: 'e.g. --at 2026-11-30T12:00:00Z' });
    }
    const recorded = new Map<string, Series>();
    const result = await runCapacity({
      repo: opts.repo,
      cwd: process.cwd(),
      rev: opts.rev,
      refs,
      now,
      keepHistory: true,
      ...(opts.record ? { onSeries: (q: string, s: Series) => recorded.set(q, s) } : {}),
    });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const lines = [`error: the inventory has ${errors.length} validation error${errors.length === 1 ? '' : 's'}`];
      for (const d of sortDiagnostics(errors).slice(0, 5))
        lines.push(`  ${d.file ? `${d.file}:${d.line ?? 1}:${d.column ?? 1}  ` : ''}${d.code}  ${d.message}`);
      lines.push('  hint: run `plumb validate` for details');
      await out.writeFailure(errors, opts.rev ? { revision: opts.rev } : {}, false);
      process.stderr.write(lines.join('\n') + '\n');
      return EXIT.failure;
    }
    if (opts.chart) {
      const dir = resolve(opts.chart);
      await mkdir(dir, { recursive: true });
      for (const r of result.reports) {
        if (r.status === 'unknown') continue;
        const name = join(dir, `${r.ci.replace(/[:/]/g, '_')}_${r.signal}.${opts.chartFormat ?? 'svg'}`);
        await writeFile(name, opts.chartFormat === 'png' ? await signalChartPng(r) : signalChartSvg(r));
      }
    }
    if (opts.record && result.now !== undefined) {
      await writeFile(resolve(opts.record), await recordingText(result.now, recorded));
    }
    await out.write((format, colors) =>
      format === 'json'
        ? JSON.stringify(capacityJson(result.reports, result), null, 2)
        : renderCapacityText(result.reports, { colors, source: result.source, now: result.now }),
    );
    const failed = result.reports.filter((r) => r.error);
    if (failed.length && failed.length === result.reports.length) {
      process.stderr.write(`error: no capacity signal could be read: ${failed[0].error}\n  hint: check metrics: in plumb.yaml and that the source answers\n`);
      return EXIT.failure;
    }
    return EXIT.ok;
  });
