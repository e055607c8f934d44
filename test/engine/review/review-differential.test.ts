import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { runReview } from '../../../engine/review/run-review.js';
import { branch, checkout, commit, git, head, makeGitRepo, removeGitRepo, tag, type FileTree } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture } from '../../helpers/run-cli.js';

/**
 * Pull requests written to hit what the indexed review reads differently from
 * a full one (engine/review/indexed-review.ts: git diff-tree, the base index,
 * group members left out of the region): renames into and out of plumb.yaml's
 * globs, paths with spaces, quotes, tabs, newlines and bytes that are not
 * UTF-8, case-only renames, mode changes, a file turned into a directory, a
 * node_modules directory, a .gitattributes, a sibling outside a plumb
 * directory that is not the repository root, names instead of ids; exceptions
 * expiring between the index's run and the review's; members joining and
 * leaving a group with minUp; inventory- and plan-scope policies added by the
 * pull request (in policies/ and inside an inventory file). Each must give the full review's plan and
 * diagnostics, cold and warm (written by hostile6; every case held).
 */
const NOW = new Date('2026-01-05T20:00:00Z');
const INVENTORY_POLICY = (name: string) =>
  `apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: ${name}}\nspec:\n  action: deny\n  severity: high\n  scope: inventory\n  match:\n    kinds: [Host]\n  validations:\n    - expression: "object.spec.memoryGb >= 8"\n      messageExpression: "object.metadata.name + ' is too small'"\n`;
const PLAN_POLICY =
  'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: few-changes}\nspec:\n  action: deny\n  severity: low\n  scope: plan\n  validations:\n    - expression: "plan.summary.create + plan.summary.update <= 0"\n      messageExpression: "string(plan.summary.create) + \' creates\'"\n';
const HOST = (name: string) => `apiVersion: plumb.io/v1\nkind: Host\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  os: linux\n  memoryGb: 4\n`;

describe.each(['', 'ops/'])('the indexed review answers as the full review, plumb.yaml at %j', (prefix) => {
  const at = (d: string) => join(d, prefix);
  let dir: string;
  let cacheDir: string;
  let base: string;
  const shas: Record<string, string> = {};
  const prs: Record<string, (d: string) => void> = {
    'rename out of the globs': (d) => {
      mkdirSync(join(d, 'docs'), { recursive: true });
      git(d, 'mv', 'inventory/reports.yaml', 'docs/reports.yaml');
    },
    'rename into the globs': (d) => {
      git(d, 'mv', 'attic/old.yaml', 'inventory/old.yaml');
    },
    'path with spaces, quotes, unicode': (d) => {
      writeFileSync(join(d, 'inventory', 'my "odd" é\tname.yaml'), HOST('odd-host'));
    },
    'path with a newline': (d) => {
      writeFileSync(join(d, 'inventory', 'new\nline.yaml'), HOST('nl-host'));
    },
    'non-utf8 path': (d) => {
      writeFileSync(
        Buffer.concat([Buffer.from(join(d, 'inventory') + '/x'), Buffer.from([0xff, 0xfe]), Buffer.from('.yaml')]) as unknown as string,
        HOST('bin-host'),
      );
    },
    'case-only rename': (d) => {
      git(d, 'mv', 'inventory/reports.yaml', 'inventory/Reports.yaml');
    },
    'executable bit': (d) => {
      chmodSync(join(d, 'inventory', 'reports.yaml'), 0o755);
    },
    'copy of a file (same blob)': (d) => {
      writeFileSync(join(d, 'inventory', 'reports-copy.yaml'), String(git(d, 'show', 'HEAD:./inventory/reports.yaml')) + '\n');
    },
    'file deleted that others reference': (d) => {
      git(d, 'rm', '-q', 'inventory/hosts.yaml');
    },
    'policy edited': (d) => {
      writeFileSync(
        join(d, 'policies', 'change.yaml'),
        String(git(d, 'show', 'HEAD:./policies/change.yaml')).replace("change.action != 'delete'", "change.action != 'update'") + '\n',
      );
    },
    'node_modules dir in inventory': (d) => {
      mkdirSync(join(d, 'inventory', 'node_modules'), { recursive: true });
      writeFileSync(join(d, 'inventory', 'node_modules', 'h.yaml'), HOST('nm-host'));
    },
    'yml extension moved to txt': (d) => {
      git(d, 'mv', 'inventory/reports.yaml', 'inventory/reports.txt');
    },
    'directory renamed': (d) => {
      git(d, 'mv', 'inventory', 'inv2');
      mkdirSync(join(d, 'inventory'));
      git(d, 'mv', 'inv2/data.yaml', 'inventory/data.yaml');
    },
    'a sibling outside the plumb directory': (d) => {
      mkdirSync(join(d, '..', 'other', 'inventory'), { recursive: true });
      writeFileSync(join(d, '..', 'other', 'inventory', 'h.yaml'), HOST('sib-host'));
    },
    'an inventory-scope policy added, which unchanged CIs break': (d) => {
      writeFileSync(join(d, 'policies', 'inv.yaml'), INVENTORY_POLICY('big-hosts'));
    },
    'an inventory-scope policy added inside an inventory file': (d) => {
      writeFileSync(join(d, 'inventory', 'inv-policy.yaml'), INVENTORY_POLICY('big-hosts-2'));
    },
    'an inventory-scope policy added beside an edit': (d) => {
      writeFileSync(join(d, 'policies', 'inv.yaml'), INVENTORY_POLICY('big-hosts'));
      writeFileSync(join(d, 'inventory', 'reports.yaml'), `${git(d, 'show', 'HEAD:./inventory/reports.yaml')}\n`.replace(/version: .*/, 'version: "9.9.9"'));
    },
    'a plan-scope policy added beside an edit': (d) => {
      writeFileSync(join(d, 'policies', 'plan.yaml'), PLAN_POLICY);
      writeFileSync(join(d, 'inventory', 'reports.yaml'), `${git(d, 'show', 'HEAD:./inventory/reports.yaml')}\n`.replace(/version: .*/, 'version: "9.9.9"'));
    },
    'gitattributes filter': (d) => {
      writeFileSync(join(d, '.gitattributes'), 'inventory/*.yaml text eol=crlf\n');
    },
    'a file turned into a directory': (d) => {
      git(d, 'rm', '-q', 'inventory/reports.yaml');
      mkdirSync(join(d, 'inventory', 'reports.yaml'));
      writeFileSync(join(d, 'inventory', 'reports.yaml', 'x.yaml'), HOST('dir-host'));
    },
  };

  beforeAll(() => {
    const tree = Object.fromEntries(
      Object.entries({ ...fixtureTree(fixture('review-pr')), 'attic/old.yaml': HOST('attic-host') }).map(([k, v]) => [prefix + k, v]),
    );
    dir = makeGitRepo(tree, { message: 'base' });
    base = head(dir);
    let n = 0;
    for (const [name, change] of Object.entries(prs)) {
      checkout(dir, base);
      branch(dir, `pr-${n++}`, { checkout: true });
      change(at(dir));
      shas[name] = commit(dir, {}, name);
    }
    checkout(dir, base);
    tag(dir, 'v1', { rev: base, message: 'an annotated tag' });
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-review-differential-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const answer = (r: Awaited<ReturnType<typeof runReview>>) => ({
    plan: r.plan,
    diagnostics: r.diagnostics,
    policies: r.policies.map((p) => [p.name, (p as any).outcome, (p as any).message]),
  });

  it.each(Object.keys(prs))('%s', async (name) => {
    const full = answer(await runReview({ repo: at(dir), base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false }));
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, prefix + name.replace(/\W+/g, '-')) });
    const cold = await runReview({ repo: at(dir), base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    const warm = await runReview({ repo: at(dir), base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    expect(answer(cold)).toEqual(full);
    expect(answer(warm)).toEqual(full);
  });

  it('names instead of ids: an annotated tag as the base, a branch as the head, HEAD~0', async () => {
    const name = 'rename out of the globs';
    const full = answer(await runReview({ repo: at(dir), base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false }));
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, `${prefix}names`) });
    for (const [b, h] of [
      ['v1', 'pr-0'],
      ['v1^{}', shas[name]],
      [base, 'pr-0~0'],
      ['v1', 'pr-0'],
    ]) {
      const run = await runReview({ repo: at(dir), base: b, head: h, now: NOW, contentCache: new ContentCache(settings), renderCache: false });
      expect([b, h, run.read]).toEqual([b, h, 'index']);
      expect(answer(run)).toEqual(full);
    }
  });
});

describe('the clock between the base index and the review', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  let pr: string;
  const EXC = (expires: string, ns = 'shop') =>
    `apiVersion: plumb.io/v1\nkind: PolicyException\nmetadata: {name: legacy-${ns}, namespace: ${ns}}\nspec:\n  policies: [no-tier1-delete]\n  targets: ["database:shop/legacy-db"]\n  reason: decommissioned\n  expires: ${expires}\n`;
  beforeAll(() => {
    const tree: FileTree = {
      ...fixtureTree(fixture('review-pr')),
      'policies/exceptions.yaml': EXC('2026-01-10'),
      'inventory/exc.yaml': EXC('2026-01-08', 'ops'),
    };
    dir = makeGitRepo(tree, { message: 'base' });
    base = head(dir);
    branch(dir, 'pr', { checkout: true });
    pr = commit(
      dir,
      {
        'inventory/data.yaml': String(tree['inventory/data.yaml']).replace(
          /---\napiVersion: plumb.io\/v1\nkind: Database\nmetadata:\n  name: legacy-db[\s\S]*$/,
          '',
        ),
        'inventory/reports.yaml': String(tree['inventory/reports.yaml']).replace('database:legacy-db', 'database:orders-db'),
      },
      'delete legacy',
    );
    checkout(dir, base);
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-review-clock-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const answer = (r: Awaited<ReturnType<typeof runReview>>) =>
    JSON.parse(JSON.stringify({ head: (r as any).head?.plan ?? r.plan, diagnostics: r.diagnostics, policies: r.policies }));
  it.each([
    ['2026-01-05T00:00:00Z', '2026-01-20T00:00:00Z'],
    ['2026-01-20T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['2026-01-05T00:00:00Z', '2026-01-09T00:00:00Z'],
  ])('index built at %s, review at %s', async (first, then) => {
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, first + then) });
    const cold = await runReview({ repo: dir, base, head: pr, now: new Date(first), contentCache: new ContentCache(settings), renderCache: false });
    const full1 = await runReview({ repo: dir, base, head: pr, now: new Date(first), incremental: false, contentCache: false, renderCache: false });
    expect(answer(cold)).toEqual(answer(full1));
    const full = await runReview({ repo: dir, base, head: pr, now: new Date(then), incremental: false, contentCache: false, renderCache: false });
    const warm = await runReview({ repo: dir, base, head: pr, now: new Date(then), contentCache: new ContentCache(settings), renderCache: false });
    expect(answer(warm)).toEqual(answer(full));
  });
});

describe('group members the indexed review leaves out, counted toward minUp', () => {
  let dir: string;
  let cacheDir: string;
  let base: string;
  const shas: Record<string, string> = {};
  const host = (n: string) => `apiVersion: plumb.io/v1\nkind: Host\nmetadata: {name: ${n}, namespace: shop}\nspec: {os: linux, memoryGb: 4}\n`;
  const app = (n: string, h: string, rel = 'partOf', extra = '') =>
    `apiVersion: plumb.io/v1\nkind: Application\nmetadata: {name: ${n}, namespace: shop}\nspec: {version: "1"}\nrelations:\n  - {type: runsOn, target: host:${h}}\n  - {type: ${rel}, target: group:pool}\n${extra}`;
  const tree: Record<string, string> = {
    'plumb.yaml': 'inventoryId: h6\n',
    'inventory/svc.yaml': 'apiVersion: plumb.io/v1\nkind: BusinessService\nmetadata: {name: svc, namespace: shop}\nspec: {criticality: critical}\n',
    'inventory/pool.yaml':
      'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: pool, namespace: shop}\nspec: {minUp: 3}\nrelations:\n  - {type: partOf, target: businessservice:svc}\n',
  };
  for (let i = 1; i <= 5; i++) {
    tree[`inventory/h${i}.yaml`] = host(`h${i}`);
    tree[`inventory/m${i}.yaml`] = app(`m${i}`, `h${i}`, i === 5 ? 'memberOf' : 'partOf');
  }
  const noRel = (t: string) => t.replace(/  - \{type: (partOf|memberOf), target: group:pool\}\n/, '');
  const prs: Record<string, Record<string, string | null>> = {
    'h1 deleted, m2 leaves the group': {
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/m2.yaml': noRel(tree['inventory/m2.yaml']),
    },
    'h1 and h2 deleted, m3 leaves': {
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/h2.yaml': host('h2').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/m3.yaml': noRel(tree['inventory/m3.yaml']),
    },
    'h1, h2 deleted, m6 joins': {
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/h2.yaml': host('h2').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/m6.yaml': app('m6', 'h3'),
    },
    'h1, h2, h3 deleted, m6 joins on h4': {
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/h2.yaml': host('h2').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/h3.yaml': host('h3').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/m6.yaml': app('m6', 'h4'),
    },
    'm4 deleted, m5 leaves, h1 deleted': {
      'inventory/m4.yaml': null,
      'inventory/m5.yaml': noRel(tree['inventory/m5.yaml']),
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
    },
    'minUp raised, h1 deleted': {
      'inventory/pool.yaml': tree['inventory/pool.yaml'].replace('minUp: 3', 'minUp: 5'),
      'inventory/h1.yaml': host('h1').replace('memoryGb: 4', 'memoryGb: 8'),
    },
    'pool gains explicit duplicates': {
      'inventory/m1.yaml': tree['inventory/m1.yaml'] + '  - {type: memberOf, target: group:pool}\n',
      'inventory/h2.yaml': host('h2').replace('memoryGb: 4', 'memoryGb: 8'),
      'inventory/h3.yaml': host('h3').replace('memoryGb: 4', 'memoryGb: 8'),
    },
  };
  beforeAll(() => {
    dir = makeGitRepo(tree, { message: 'base' });
    base = head(dir);
    let n = 0;
    for (const [name, change] of Object.entries(prs)) {
      checkout(dir, base);
      branch(dir, `g-${n++}`, { checkout: true });
      shas[name] = commit(dir, change, name);
    }
    checkout(dir, base);
    cacheDir = mkdtempSync(join(tmpdir(), 'plumb-review-groups-'));
  });
  afterAll(() => {
    removeGitRepo(dir);
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const answer = (r: Awaited<ReturnType<typeof runReview>>) => JSON.parse(JSON.stringify({ plan: r.plan, diagnostics: r.diagnostics }));
  it.each(Object.keys(prs))('%s', async (name) => {
    const full = await runReview({ repo: dir, base, head: shas[name], now: NOW, incremental: false, contentCache: false, renderCache: false });
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, name.replace(/\W+/g, '-')) });
    const cold = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    const warm = await runReview({ repo: dir, base, head: shas[name], now: NOW, contentCache: new ContentCache(settings), renderCache: false });
    const p = full.plan as any;
    expect(full.plan).toBeDefined();
    expect(answer(cold)).toEqual(answer(full));
    expect(answer(warm)).toEqual(answer(full));
  });
  it("a member deleted alone: its group, held by identity only, answers with the index's spec.minUp", async () => {
    checkout(dir, base);
    branch(dir, 'g-alone', { checkout: true });
    const sha = commit(dir, { 'inventory/m4.yaml': null }, 'm4 deleted alone');
    checkout(dir, base);
    const full = await runReview({ repo: dir, base, head: sha, now: NOW, incremental: false, contentCache: false, renderCache: false });
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(cacheDir, 'alone') });
    for (const run of [0, 1]) {
      const r = await runReview({ repo: dir, base, head: sha, now: NOW, contentCache: new ContentCache(settings), renderCache: false });
      expect([run, r.read, r.fallback]).toEqual([run, 'index', undefined]);
      expect(answer(r)).toEqual(answer(full));
    }
  });
});
