import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it('plan --out says where it saved the plan and the command that applies it, on stderr; that command applies it', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-plan-out-'));
  cpSync(fixture('review-pr'), dir, { recursive: true });
  const r = await runCli(['plan', '--out', 'plan.json', '-o', 'json'], { cwd: dir });
  expect(r.code).toBe(0);
  expect(() => JSON.parse(r.stdout)).not.toThrow(); // stdout stays the chosen format
  expect(r.stderr).toBe('\nSaved the plan to plan.json.\nTo apply exactly this plan, run:\n  plumb apply plan.json\n');
  expect(existsSync(join(dir, 'plan.json'))).toBe(true);
  const next = r.stderr.split('\n').at(-2)!.trim().split(' ').slice(1); // `apply plan.json`
  const applied = await runCli([...next, '--auto-approve'], { cwd: dir });
  expect(applied.code, applied.stderr).toBe(0);
});

it('plan --out of a denied plan says apply would refuse it, and how to override', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-plan-out-'));
  const r = await runCli(['plan', '--repo', fixture('tui-small'), '--out', join(dir, 'my plan.json')]);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain(
    `Saved the plan to ${join(dir, 'my plan.json')}.\nA policy denied this plan: \`plumb apply '${join(dir, 'my plan.json')}'\` refuses it`,
  );
  expect(r.stderr).toContain('--override-policy REASON');
});
