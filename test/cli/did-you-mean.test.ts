import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

/**
 * Every kind of name a command line can get wrong answers the same way: exit
 * 1, the error, and a hint that starts `did you mean X?` when X is close.
 * Unknown commands, flags and -o formats are in help.test.ts (commander's
 * `(Did you mean X?)`).
 */
describe('did-you-mean for every kind of name', () => {
  const example = ['--repo', PROJECT_ROOT];

  it.each([
    ['an unknown CI (impact)', ['impact', 'database:shop/orders-bd'], 'did you mean database:shop/orders-db?'],
    ['an unknown CI (why)', ['why', 'database:shop/orders-bd'], 'did you mean database:shop/orders-db?'],
    ['an unknown CI (graph --focus)', ['graph', '--focus', 'database:shop/orders-bd'], 'did you mean database:shop/orders-db?'],
    ['an unknown CI (capacity)', ['capacity', 'database:shop/orders-bd'], 'did you mean database:shop/orders-db?'],
    ['an unknown CI (backup)', ['backup', 'database:shop/orders-bd'], 'did you mean database:shop/orders-db?'],
    ['an unknown target (plan)', ['plan', '--target', 'shp'], 'did you mean shop? known targets: shop'],
    ['an unknown target (discover)', ['discover', '--target', 'shp'], 'did you mean shop? known targets: shop'],
    ['an unknown target (apply)', ['apply', '--target', 'shp', '--auto-approve'], 'did you mean shop? known targets: shop'],
  ])('%s', async (_what, args, hint) => {
    const r = await runCli([...args, ...example]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  hint: ${hint}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  describe('backups', () => {
    const repo = mkdtempSync(join(tmpdir(), 'plumb-did-you-mean-'));
    afterAll(() => rmSync(repo, { recursive: true, force: true }));

    it('an unknown backup id and a CI the backup does not hold', async () => {
      cpSync(fixture('apply-files'), repo, { recursive: true });
      mkdirSync(join(repo, 'root'));
      const taken = await runCli(['backup', '--repo', repo, '-o', 'json']);
      expect(taken.code, taken.stderr).toBe(0);
      const { id } = JSON.parse(taken.stdout) as { id: string };
      const typo = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
      const wrongId = await runCli(['restore', typo, '--repo', repo, '--dry-run']);
      expect(wrongId.code).toBe(1);
      expect(wrongId.stderr).toContain(`error: no backup ${typo} in`);
      expect(wrongId.stderr).toContain(`  hint: did you mean ${id}? run \`plumb backups\` to list the backups there are`);
      const wrongCi = await runCli(['restore', id, 'file:default/mtod', '--repo', repo, '--dry-run']);
      expect(wrongCi.code).toBe(1);
      expect(wrongCi.stderr).toContain(`  hint: did you mean file:default/motd? run \`plumb backups -o json\` to see which CIs backup ${id} holds`);
    });
  });
});
