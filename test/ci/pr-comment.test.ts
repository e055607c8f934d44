/**
 * The pull-request flow of action.yml and ci/gitlab/plumb-review.yml, as far
 * as it runs here: their shell steps (ci/review.sh, ci/upsert-comment.sh,
 * ci/sarif-to-codequality.mjs) run as the runner would run them, against a
 * real Git repository with a base and a head — a pull request a policy denies
 * and one whose head is invalid — and against fake GitHub and GitLab comment
 * APIs on 127.0.0.1 (gh over HTTPS as to a GitHub Enterprise host, curl to the
 * GitLab notes API). Not run: actions/setup-node, the npm install of a
 * release (test/ci/npm-pack.test.ts installs the packed tarball instead) and
 * the SARIF upload (a GitHub service; the log is checked against the SARIF schema).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { branch, checkout, commit, git, removeGitRepo } from '../helpers/git-repo.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { makeReviewRepo } from '../cli/review-repo.js';
import { ACTIONS_BOT, APP_BOT, FAKE_ACTIONS_TOKEN, FAKE_APP_TOKEN, FAKE_TOKEN, FAKE_USER, startFakeForge, type FakeForge } from './fake-forge.js';

const MAIN = join(PROJECT_ROOT, 'cli/main.ts');
const TSX = import.meta.resolve('tsx');
const MARKER = '<!-- plumb-review -->';
const NOW = '2026-01-05T20:00:00Z';

const INVALID_DATA = `apiVersion: plumb.io/v1
kind: Databse
metadata:
  name: orders-db
  namespace: shop
spec:
  engine: postgres
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a bash script (the text of a step) with `env` on top of a clean environment; never throws on a non-zero exit. */
function bash(script: string, env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-eo', 'pipefail', '-c', script],
      { cwd, env: { PATH: env.PATH ?? process.env.PATH!, HOME: process.env.HOME!, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A cache key as `openssl rand -hex 32` makes it (the action's cache-key input, GitLab's PLUMB_CACHE_KEY variable). */
const CACHE_KEY = '3b9f0c6a1d4e8f7a2c5b9e0d1f3a6c8b7e4d2a9f0b1c3e5d7a8f6b4c2e0d9a1f';

describe('the pull-request comment: action.yml and the GitLab template, step by step', () => {
  let repo: ReturnType<typeof makeReviewRepo>;
  let invalid: string;
  let work: string;
  let bin: string;
  let github: FakeForge;
  let gitlab: FakeForge;

  beforeAll(async () => {
    repo = makeReviewRepo();
    branch(repo.dir, 'invalid', { rev: repo.base, checkout: true });
    invalid = commit(repo.dir, { 'inventory/data.yaml': INVALID_DATA }, 'misspell a kind');
    checkout(repo.dir, 'main');
    // the base branch as a runner sees it after a fetch: origin/main
    git(repo.dir, 'update-ref', 'refs/remotes/origin/main', repo.base);
    work = mkdtempSync(join(tmpdir(), 'plumb-pr-comment-'));
    // `plumb` on PATH as `npm install -g` would put it; here it runs the sources (clock pinned for the policies' change window)
    bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'plumb'),
      `#!/bin/sh\nif [ "$1" = review ]; then shift; set -- review --now ${NOW} "$@"; fi\nexec "${process.execPath}" --import "${TSX}" "${MAIN}" "$@"\n`,
    );
    chmodSync(join(bin, 'plumb'), 0o755);
    // `npm root --global` of the GitLab job: a prefix whose plumb package is this checkout
    // under the scoped name an organisation publishes it as (README: @your-org/plumb)
    mkdirSync(join(work, 'prefix/lib/node_modules/@shop'), { recursive: true });
    symlinkSync(PROJECT_ROOT, join(work, 'prefix/lib/node_modules/@shop/plumb'));
    github = await startFakeForge({ https: true });
    gitlab = await startFakeForge();
  });
  afterAll(async () => {
    removeGitRepo(repo.dir);
    rmSync(work, { recursive: true, force: true });
    await github?.close();
    await gitlab?.close();
  });

  const pathWithPlumb = () => `${bin}:${process.env.PATH}`;

  describe('ci/review.sh', () => {
    it('a denied pull request: the comment says it is denied and by which policy, SARIF is valid, code 3, the script exits 0', async () => {
      const out = join(work, 'denied');
      const r = await bash(`ci/review.sh --base origin/main --head ${repo.head} --out-dir ${out} --repo ${repo.dir}`, { PATH: pathWithPlumb() }, PROJECT_ROOT);
      expect(r.code).toBe(0);
      const comment = readFileSync(join(out, 'plumb-review.md'), 'utf8');
      expect(comment).toContain('**Denied by policy**');
      expect(comment).toContain('`no-tier1-delete`');
      expect(comment).toContain('--- base/database:shop/orders-db');
      expect(comment).not.toMatch(/s3cr3t/);
      expect(sarifErrors(JSON.parse(readFileSync(join(out, 'plumb-review.sarif'), 'utf8')))).toEqual([]);
      expect(readFileSync(join(out, 'plumb-review.code'), 'utf8').trim()).toBe('3');
      expect(r.stdout).toMatch(/plumb review exit code: 3/);
    });

    it('an invalid pull request: the comment says the review could not be computed and why, at file:line, code 1', async () => {
      const out = join(work, 'invalid');
      const r = await bash(`ci/review.sh --base origin/main --head ${invalid} --out-dir ${out} --repo ${repo.dir}`, { PATH: pathWithPlumb() }, PROJECT_ROOT);
      expect(r.code).toBe(0);
      const comment = readFileSync(join(out, 'plumb-review.md'), 'utf8');
      expect(comment).toContain('**The review could not be computed**');
      expect(comment).toMatch(/`inventory\/data\.yaml:2:7` \| `kind\.unknown` \| unknown kind "Databse"/);
      const sarif = JSON.parse(readFileSync(join(out, 'plumb-review.sarif'), 'utf8'));
      expect(sarifErrors(sarif)).toEqual([]);
      expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('kind.unknown');
      expect(readFileSync(join(out, 'plumb-review.code'), 'utf8').trim()).toBe('1');
      expect(r.stderr).toContain('inventory/data.yaml:2:7: error [kind.unknown]');
    });

    it('plumb that cannot run at all still leaves a comment that says so, and an empty valid SARIF log', async () => {
      const out = join(work, 'missing');
      const r = await bash(
        `ci/review.sh --base origin/main --out-dir ${out} --repo ${repo.dir}`,
        { PATH: pathWithPlumb(), PLUMB: '/nonexistent/plumb' },
        PROJECT_ROOT,
      );
      expect(r.code).toBe(0);
      const comment = readFileSync(join(out, 'plumb-review.md'), 'utf8');
      expect(comment).toContain('**plumb did not run to the end** (exit code 127)');
      expect(comment).toContain('/nonexistent/plumb');
      expect(sarifErrors(JSON.parse(readFileSync(join(out, 'plumb-review.sarif'), 'utf8')))).toEqual([]);
      expect(readFileSync(join(out, 'plumb-review.code'), 'utf8').trim()).toBe('127');
    });

    it('ci/install.sh refuses without a package or a version, saying which', async () => {
      const none = await bash('ci/install.sh', { PATH: pathWithPlumb() }, PROJECT_ROOT);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/set PLUMB_PACKAGE/);
      const noVersion = await bash('ci/install.sh', { PATH: pathWithPlumb(), PLUMB_PACKAGE: '@shop/plumb' }, PROJECT_ROOT);
      expect(noVersion.code).toBe(1);
      expect(noVersion.stderr).toMatch(/set PLUMB_VERSION/);
    });

    it('refuses to run without --base', async () => {
      const r = await bash('ci/review.sh', { PATH: pathWithPlumb() }, PROJECT_ROOT);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/--base REV is required/);
    });
  });

  describe('ci/upsert-comment.sh', () => {
    it('GitHub (gh api): creates the comment once, then updates the same one, past the first page, leaving other comments alone', async () => {
      const thread = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, body: i === 5 ? 'LGTM' : `comment ${i}`, author: i === 5 ? 'plumb-bot' : 'someone' }));
      github.threads.set('shop/infra#7', thread);
      const env = {
        PATH: pathWithPlumb(),
        GH_HOST: github.host,
        GH_ENTERPRISE_TOKEN: FAKE_TOKEN,
        GH_TOKEN: FAKE_TOKEN,
        GH_CONFIG_DIR: join(work, 'gh'),
        SSL_CERT_FILE: github.caFile!,
        GITHUB_REPOSITORY: 'shop/infra',
        PLUMB_PR_NUMBER: '7',
      };
      const first = await bash(`ci/upsert-comment.sh github ${join(work, 'invalid/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const [, created] = first.stdout.trim().split(' ');
      expect(first.stdout).toMatch(/^created \d+$/m);
      const second = await bash(`ci/upsert-comment.sh github ${join(work, 'denied/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(second.stdout.trim()).toBe(`updated ${created}`);
      const after = github.threads.get('shop/infra#7')!;
      expect(after).toHaveLength(121);
      const ours = after.filter((c) => c.body.includes(MARKER));
      expect(ours.map((c) => c.id)).toEqual([Number(created)]);
      expect(ours[0].body.startsWith(`${MARKER}\n## plumb review`)).toBe(true);
      expect(ours[0].body).toContain('**Denied by policy**');
      expect(after[5].body).toBe('LGTM'); // the same user's other comment is not "the last comment" to overwrite
      expect(github.requests.every((r) => r.token === FAKE_TOKEN)).toBe(true);
      expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('GitLab (notes API through curl): creates the note once, then updates the same one; system notes and others are left alone', async () => {
      gitlab.threads.set('42!3', [
        { id: 1, body: 'added 1 commit', author: 'alice', system: true },
        { id: 2, body: 'please look', author: 'plumb-bot' },
      ]);
      const env = {
        PATH: pathWithPlumb(),
        CI_API_V4_URL: `${gitlab.url}/api/v4`,
        CI_PROJECT_ID: '42',
        CI_MERGE_REQUEST_IID: '3',
        PLUMB_GITLAB_TOKEN: FAKE_TOKEN,
      };
      const first = await bash(`ci/upsert-comment.sh gitlab ${join(work, 'denied/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(first.code).toBe(0);
      const created = first.stdout.trim().replace('created ', '');
      const second = await bash(`ci/upsert-comment.sh gitlab ${join(work, 'invalid/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(second.stdout.trim()).toBe(`updated ${created}`);
      const notes = gitlab.threads.get('42!3')!;
      expect(notes.map((n) => n.id)).toEqual([1, 2, Number(created)]);
      expect(notes[2].body).toContain('**The review could not be computed**');
      expect(notes[1].body).toBe('please look');
    });

    it.each([
      ['GitHub (gh api)', 'github'],
      ['GitLab (curl)', 'gitlab'],
    ])(
      '%s: a forge that stops answering ends the step after PLUMB_HTTP_TIMEOUT seconds with why, not when CI kills the job',
      async (_, forge) => {
        const server = forge === 'github' ? github : gitlab;
        const env: Record<string, string> =
          forge === 'github'
            ? {
                PATH: pathWithPlumb(),
                GH_HOST: github.host,
                GH_ENTERPRISE_TOKEN: FAKE_TOKEN,
                GH_TOKEN: FAKE_TOKEN,
                GH_CONFIG_DIR: join(work, 'gh'),
                SSL_CERT_FILE: github.caFile!,
                GITHUB_REPOSITORY: 'shop/infra',
                PLUMB_PR_NUMBER: '32',
                PLUMB_HTTP_TIMEOUT: '2',
              }
            : {
                PATH: pathWithPlumb(),
                CI_API_V4_URL: `${gitlab.url}/api/v4`,
                CI_PROJECT_ID: '42',
                CI_MERGE_REQUEST_IID: '32',
                PLUMB_GITLAB_TOKEN: FAKE_TOKEN,
                PLUMB_HTTP_TIMEOUT: '2',
              };
        const body = join(work, `stall-${forge}.md`);
        writeFileSync(body, `${MARKER}\n## plumb review\n`);
        server.stall = true;
        try {
          const started = Date.now();
          const run = await bash(`ci/upsert-comment.sh ${forge} ${body}`, env, PROJECT_ROOT);
          // one request that gets no answer, given up after 2 s (the step would otherwise hang until the job's limit)
          expect(Date.now() - started).toBeLessThan(30_000);
          expect(run.code).not.toBe(0);
          expect(run.stdout).not.toMatch(/created|updated/);
          expect(run.stderr).toMatch(forge === 'github' ? /got no answer within 2s \(PLUMB_HTTP_TIMEOUT\)/ : /timed out/i);
        } finally {
          server.stall = false;
        }
      },
      60_000,
    );

    it.each([
      ['GitHub (gh api)', 'github'],
      ['GitLab (curl)', 'gitlab'],
    ])('%s: a server that ignores `page` is read until a page repeats, not forever; PLUMB_COMMENT_MAX_PAGES caps a long thread', async (_, forge) => {
      const server = forge === 'github' ? github : gitlab;
      const key = forge === 'github' ? 'shop/infra#31' : '42!31';
      const full = () => Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `comment ${i}`, author: 'someone' }));
      const env: Record<string, string> =
        forge === 'github'
          ? {
              PATH: pathWithPlumb(),
              GH_HOST: github.host,
              GH_ENTERPRISE_TOKEN: FAKE_TOKEN,
              GH_TOKEN: FAKE_TOKEN,
              GH_CONFIG_DIR: join(work, 'gh'),
              SSL_CERT_FILE: github.caFile!,
              GITHUB_REPOSITORY: 'shop/infra',
              PLUMB_PR_NUMBER: '31',
            }
          : { PATH: pathWithPlumb(), CI_API_V4_URL: `${gitlab.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '31', PLUMB_GITLAB_TOKEN: FAKE_TOKEN };
      const lists = () => server.requests.filter((r) => r.method === 'GET' && /comments|notes/.test(r.path) && r.path.includes('page=')).length;
      server.threads.set(key, full());
      server.ignorePaging = true;
      try {
        const before = lists();
        const run = await bash(`ci/upsert-comment.sh ${forge} ${join(work, 'denied/plumb-review.md')}`, env, PROJECT_ROOT);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/^created \d+$/m);
        expect(run.stderr).toContain('page 2 repeats an earlier page (the server ignores paging)');
        expect(lists() - before).toBe(2);
      } finally {
        server.ignorePaging = false;
      }
      // a thread longer than the cap: reading stops at the cap, said on stderr
      server.threads.set(key, [...full(), ...full().map((c) => ({ ...c, id: c.id + 100 })), ...full().map((c) => ({ ...c, id: c.id + 200 }))]);
      const before = lists();
      const capped = await bash(
        `ci/upsert-comment.sh ${forge} ${join(work, 'denied/plumb-review.md')}`,
        { ...env, PLUMB_COMMENT_MAX_PAGES: '2' },
        PROJECT_ROOT,
      );
      expect(capped.code, capped.stderr).toBe(0);
      expect(capped.stderr).toContain("read 2 pages of comments without finding plumb's (PLUMB_COMMENT_MAX_PAGES)");
      expect(lists() - before).toBe(2);
      const bad = await bash(
        `ci/upsert-comment.sh ${forge} ${join(work, 'denied/plumb-review.md')}`,
        { ...env, PLUMB_COMMENT_MAX_PAGES: 'lots' },
        PROJECT_ROOT,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('PLUMB_COMMENT_MAX_PAGES must be a whole number');
    });

    const githubEnv = (token: string, pr: string, extra: Record<string, string> = {}) => ({
      PATH: pathWithPlumb(),
      GH_HOST: github.host,
      GH_ENTERPRISE_TOKEN: token,
      GH_TOKEN: token,
      GH_CONFIG_DIR: join(work, 'gh'),
      SSL_CERT_FILE: github.caFile!,
      GITHUB_REPOSITORY: 'shop/infra',
      PLUMB_PR_NUMBER: pr,
      ...extra,
    });
    const planted = `${MARKER}\n## plumb review\n**Allowed** — nothing to see here`;

    it("GitHub, an App's installation token without comment-author: refused with the fix, nothing posted — its comments are APP-SLUG[bot]'s, not github-actions[bot]'s", async () => {
      github.threads.set('shop/infra#25', [{ id: 1, body: planted, author: ACTIONS_BOT }]);
      for (const extra of [{ PLUMB_TOKEN_IS_GITHUB_TOKEN: 'false' }, {}] as Record<string, string>[]) {
        const run = await bash(`ci/upsert-comment.sh github ${join(work, 'denied/plumb-review.md')}`, githubEnv(FAKE_APP_TOKEN, '25', extra), PROJECT_ROOT);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('set comment-author (PLUMB_COMMENT_AUTHOR)');
        expect(run.stderr).not.toContain(FAKE_APP_TOKEN);
      }
      expect(github.threads.get('shop/infra#25')!.map((c) => c.body)).toEqual([planted]);
    });

    it.each([
      ['a personal token (GET /user names its login)', FAKE_TOKEN, FAKE_USER.login, '21', {}],
      ['the Actions GITHUB_TOKEN (GET /user refused: github-actions[bot])', FAKE_ACTIONS_TOKEN, ACTIONS_BOT, '22', { PLUMB_TOKEN_IS_GITHUB_TOKEN: 'true' }],
      [
        'a GitHub App installation token with comment-author',
        FAKE_APP_TOKEN,
        APP_BOT,
        '24',
        { PLUMB_TOKEN_IS_GITHUB_TOKEN: 'false', PLUMB_COMMENT_AUTHOR: APP_BOT },
      ],
    ])(
      'GitHub, %s: a marked comment by someone else is left untouched, plumb creates its own, a second run updates it',
      async (_, token, author, pr, extra) => {
        github.threads.set(`shop/infra#${pr}`, [
          { id: 1, body: planted, author: 'mallory' },
          { id: 2, body: `quoting: ${MARKER}`, author: 'github-actions' }, // not the bot: a user named like it
        ]);
        const env = githubEnv(token, pr, extra as Record<string, string>);
        const first = await bash(`ci/upsert-comment.sh github ${join(work, 'invalid/plumb-review.md')}`, env, PROJECT_ROOT);
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        const created = Number(first.stdout.trim().replace(/^created /, ''));
        expect(created).toBeGreaterThan(2);
        const second = await bash(`ci/upsert-comment.sh github ${join(work, 'denied/plumb-review.md')}`, env, PROJECT_ROOT);
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout.trim()).toBe(`updated ${created}`);
        const after = github.threads.get(`shop/infra#${pr}`)!;
        expect(after.map((c) => [c.id, c.author])).toEqual([
          [1, 'mallory'],
          [2, 'github-actions'],
          [created, author],
        ]);
        expect(after[0].body).toBe(planted);
        expect(after[1].body).toBe(`quoting: ${MARKER}`);
        expect(after[2].body).toContain('**Denied by policy**');
      },
    );

    it('GitHub: PLUMB_COMMENT_AUTHOR names the author without asking /user; a /user that fails otherwise stops with why', async () => {
      github.threads.set('shop/infra#23', [{ id: 1, body: planted, author: 'mallory' }]);
      const before = github.requests.length;
      const r = await bash(
        `ci/upsert-comment.sh github ${join(work, 'denied/plumb-review.md')}`,
        githubEnv(FAKE_ACTIONS_TOKEN, '23', { PLUMB_COMMENT_AUTHOR: ACTIONS_BOT }),
        PROJECT_ROOT,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toMatch(/^created \d+$/);
      expect(github.requests.slice(before).some((q) => q.path.endsWith('/user'))).toBe(false);
      expect(github.threads.get('shop/infra#23')![0].body).toBe(planted);
      const bad = await bash(`ci/upsert-comment.sh github ${join(work, 'denied/plumb-review.md')}`, githubEnv('not-a-token', '23'), PROJECT_ROOT);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/GET \/user failed: cannot tell which comments are plumb's \(set PLUMB_COMMENT_AUTHOR/);
      expect(github.threads.get('shop/infra#23')).toHaveLength(2);
    });

    it('GitLab: a marked note by another user (even one with the same name but another id) is left untouched; plumb creates its own, then updates it', async () => {
      gitlab.threads.set('42!8', [
        { id: 1, body: planted, author: 'mallory' },
        { id: 2, body: planted, author: FAKE_USER.login, authorId: 1 }, // a renamed account took the name: ids decide
      ]);
      const env = {
        PATH: pathWithPlumb(),
        CI_API_V4_URL: `${gitlab.url}/api/v4`,
        CI_PROJECT_ID: '42',
        CI_MERGE_REQUEST_IID: '8',
        PLUMB_GITLAB_TOKEN: FAKE_TOKEN,
      };
      const first = await bash(`ci/upsert-comment.sh gitlab ${join(work, 'invalid/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(first.code, first.stderr).toBe(0);
      const created = Number(first.stdout.trim().replace(/^created /, ''));
      const second = await bash(`ci/upsert-comment.sh gitlab ${join(work, 'denied/plumb-review.md')}`, env, PROJECT_ROOT);
      expect(second.stdout.trim()).toBe(`updated ${created}`);
      const notes = gitlab.threads.get('42!8')!;
      expect(notes.map((n) => n.id)).toEqual([1, 2, created]);
      expect(notes[0].body).toBe(planted);
      expect(notes[1].body).toBe(planted);
      expect(notes[2].body).toContain('**Denied by policy**');
    });

    it('never posts an empty comment, and says what is missing', async () => {
      writeFileSync(join(work, 'empty.md'), '');
      const r = await bash(`ci/upsert-comment.sh gitlab ${join(work, 'empty.md')}`, { PATH: pathWithPlumb() }, PROJECT_ROOT);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/empty\.md is missing or empty: nothing to post/);
      const noToken = await bash(
        `ci/upsert-comment.sh gitlab ${join(work, 'denied/plumb-review.md')}`,
        { PATH: pathWithPlumb(), CI_API_V4_URL: 'http://127.0.0.1:9', CI_PROJECT_ID: '1', CI_MERGE_REQUEST_IID: '1' },
        PROJECT_ROOT,
      );
      expect(noToken.code).not.toBe(0);
      expect(noToken.stderr).toMatch(/PLUMB_GITLAB_TOKEN .* is not set/);
    });
  });

  describe('action.yml', () => {
    const action = parse(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
      runs: {
        using: string;
        steps: { id?: string; uses?: string; run?: string; env?: Record<string, string>; 'working-directory'?: string; with?: Record<string, string> }[];
      };
      inputs: Record<string, { default?: string }>;
    };

    /** The expressions action.yml uses, as a pull_request event on a runner would give them. */
    function expressions(out: string, outputs: Record<string, string>, cacheKey = ''): Record<string, string> {
      return {
        'inputs.cache-key': cacheKey,
        'inputs.package': '@shop/plumb',
        'inputs.version': '0.1.0',
        "inputs.base || format('origin/{0}', github.base_ref)": 'origin/main',
        'inputs.head': action.inputs.head.default!,
        'inputs.target': action.inputs.target.default!,
        'inputs.working-directory': repo.dir,
        'inputs.token': FAKE_TOKEN,
        'inputs.comment-author': action.inputs['comment-author'].default!,
        'inputs.token == github.token': 'true',
        'runner.temp': out,
        'github.event.pull_request.number': '9',
        'steps.review.outputs.code': outputs.code ?? '',
      };
    }
    const substitute = (text: string, values: Record<string, string>) =>
      text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => {
        if (!(e in values)) throw new Error(`action.yml uses an expression this test does not know: ${e}`);
        return values[e];
      });

    it("the README's workflow uses it with inputs it has", () => {
      const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Reviewing pull requests'));
      const workflow = parse(section.slice(section.indexOf('```yaml') + 7, section.indexOf('```', section.indexOf('```yaml') + 7))) as {
        jobs: { review: { steps: { uses?: string; with?: Record<string, unknown> }[] } };
      };
      const step = workflow.jobs.review.steps.find((s) => s.uses?.includes('/plumb@'))!;
      for (const input of Object.keys(step.with ?? {})) expect(action.inputs, input).toHaveProperty(input);
      const gitlabBlock = section.slice(section.indexOf('**GitLab CI**'));
      const include = parse(gitlabBlock.slice(gitlabBlock.indexOf('```yaml') + 7, gitlabBlock.indexOf('```', gitlabBlock.indexOf('```yaml') + 7))) as {
        include: { file: string }[];
      };
      expect(existsSync(join(PROJECT_ROOT, include.include[0].file))).toBe(true);
    });

    it('puts no ${{ }} expression into a run: script: every value reaches the shell through env:, quoted', () => {
      // GitHub substitutes ${{ }} into the script text before bash parses it: a base branch
      // or input with $(...) in it would run. Through env: it is only ever a variable's value.
      for (const step of action.runs.steps) if (step.run) expect(step.run, step.id).not.toMatch(/\$\{\{/);
      const review = action.runs.steps.find((s) => s.id === 'review')!;
      expect(review.env!.PLUMB_BASE).toContain('github.base_ref');
    });

    it('is a composite action that installs a pinned release from npm and uploads the SARIF log it wrote', () => {
      expect(action.runs.using).toBe('composite');
      const install = action.runs.steps.find((s) => s.id === 'install')!;
      expect(install.run).toBe('bash "$GITHUB_ACTION_PATH/ci/install.sh"');
      expect(install.env).toEqual({ PLUMB_PACKAGE: '${{ inputs.package }}', PLUMB_VERSION: '${{ inputs.version }}' });
      // the public registry's `plumb` is another package: no default that would install it
      expect(action.inputs.package.default).toBeUndefined();
      expect(action.inputs.version.default).toBeUndefined();
      expect(readFileSync(join(PROJECT_ROOT, 'ci/install.sh'), 'utf8')).toContain('npm install --global --no-fund --no-audit "$PLUMB_PACKAGE@$PLUMB_VERSION"');
      const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      expect(upload.with!.sarif_file).toBe('${{ runner.temp }}/plumb/plumb-review.sarif');
    });

    it.each([
      ['denied', () => repo.head, '3', '**Denied by policy**', CACHE_KEY],
      ['invalid', () => invalid, '1', '**The review could not be computed**', ''],
    ])('runs its shell steps on a %s pull request: one comment, then the job fails with the review code', async (name, head, code, says, cacheKey) => {
      const out = join(work, `action-${name}`);
      mkdirSync(out);
      const outputs: Record<string, string> = {};
      github.threads.set(`shop/infra#9`, []);
      const base = {
        PATH: pathWithPlumb(),
        GITHUB_ACTION_PATH: PROJECT_ROOT,
        GITHUB_REPOSITORY: 'shop/infra',
        GH_HOST: github.host,
        GH_ENTERPRISE_TOKEN: FAKE_TOKEN,
        GH_CONFIG_DIR: join(work, 'gh'),
        SSL_CERT_FILE: github.caFile!,
        XDG_STATE_HOME: join(out, 'state'),
        XDG_CACHE_HOME: join(out, 'cache'),
      };
      let last: Run | undefined;
      const said: string[] = [];
      for (const step of action.runs.steps) {
        if (!step.run || step.id === 'install') continue; // setup-node and the registry install cannot run here
        const outputFile = join(out, `output-${step.id ?? 'step'}`);
        writeFileSync(outputFile, '');
        const env: Record<string, string> = { ...base, GITHUB_OUTPUT: outputFile };
        for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(v, expressions(out, outputs, cacheKey));
        if (step.env?.PLUMB_HEAD) env.PLUMB_HEAD = head();
        const cwd = step['working-directory'] ? substitute(step['working-directory'], expressions(out, outputs)) : repo.dir;
        last = await bash(step.run, env, cwd);
        said.push(last.stdout, last.stderr);
        for (const line of readFileSync(outputFile, 'utf8').split('\n').filter(Boolean)) {
          const [k, ...v] = line.split('=');
          outputs[k] = v.join('=');
        }
        if (step.id !== undefined) expect(last.code, `${step.id}: ${last.stderr}`).toBe(0);
      }
      expect(outputs.code).toBe(code);
      expect(last!.code).toBe(Number(code)); // the last step fails the job with the review's exit code
      const comments = github.threads.get('shop/infra#9')!;
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain(says);
      expect(sarifErrors(JSON.parse(readFileSync(join(out, 'plumb/plumb-review.sarif'), 'utf8')))).toEqual([]);
      // the cache-key input reaches plumb as PLUMB_CACHE_KEY (no per-runner key file is made, the cache is signed with it) and is never shown;
      // without it the log says the cache is per-runner only
      const notice = '::notice title=plumb content cache::per-runner only';
      if (cacheKey) {
        expect(existsSync(join(out, 'state', 'plumb', 'cache-code.key'))).toBe(false);
        expect(readdirSync(join(out, 'cache', 'plumb', 'content')).length).toBeGreaterThan(0);
        expect(said.join('\n')).not.toContain(notice);
        for (const text of [...said, readFileSync(join(out, 'plumb/plumb-review.md'), 'utf8')]) expect(text).not.toContain(cacheKey);
      } else {
        expect(said.join('\n')).toContain(notice);
        expect(existsSync(join(out, 'state', 'plumb', 'cache-code.key'))).toBe(true);
      }
    });

    it('keeps the content cache between runs only with a cache-key (entries signed with a per-runner key never verify elsewhere)', () => {
      const caches = action.runs.steps.filter((st) => st.uses?.startsWith('actions/cache@'));
      const content = caches.find((st) => st.with!.path.includes('.cache/plumb/content'))! as (typeof caches)[number] & { if?: string };
      expect(content.if).toBe("inputs.cache-key != ''");
      expect(caches.filter((st) => st !== content).every((st) => !st.with!.path.includes('plumb/content'))).toBe(true);
      expect(action.runs.steps.find((st) => st.id === 'review')!.env!.PLUMB_CACHE_KEY).toBe('${{ inputs.cache-key }}');
    });
  });

  describe('ci/gitlab/plumb-review.yml', () => {
    const template = parse(readFileSync(join(PROJECT_ROOT, 'ci/gitlab/plumb-review.yml'), 'utf8')) as {
      variables: Record<string, string>;
      'plumb-review': { script: string[]; before_script: string[]; artifacts: { reports: { codequality: string } } };
    };

    it('installs the pinned release from npm before its script, and refuses without a package and version', async () => {
      const install = template['plumb-review'].before_script[0];
      expect(install).toContain('npm install --global --no-fund --no-audit --cache .npm "$PLUMB_PACKAGE@$PLUMB_VERSION"');
      expect(template.variables).toMatchObject({ PLUMB_PACKAGE: '', PLUMB_VERSION: '' });
      const r = await bash(install, { PATH: pathWithPlumb(), ...template.variables }, work);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/set PLUMB_PACKAGE .* and PLUMB_VERSION/);
    });

    it('a target branch named with $(...) and backticks is only ever a name: nothing runs, the review uses it', async () => {
      const pwned = join(work, 'pwned');
      const name = `x$(touch\${IFS}${pwned}-1)\`touch\${IFS}${pwned}-2\``;
      git(repo.dir, 'check-ref-format', '--branch', name); // a branch name Git accepts
      git(repo.dir, 'update-ref', `refs/remotes/origin/${name}`, repo.base);
      const project = join(work, 'gitlab-hostile-branch');
      mkdirSync(project);
      gitlab.threads.set('77!6', []);
      checkout(repo.dir, repo.head);
      try {
        const env = {
          ...template.variables,
          PLUMB_PACKAGE: '@shop/plumb',
          PATH: pathWithPlumb(),
          npm_config_prefix: join(work, 'prefix'),
          CI_PROJECT_DIR: project,
          CI_API_V4_URL: `${gitlab.url}/api/v4`,
          CI_PROJECT_ID: '77',
          CI_MERGE_REQUEST_IID: '6',
          CI_MERGE_REQUEST_TARGET_BRANCH_NAME: name,
          PLUMB_GITLAB_TOKEN: FAKE_TOKEN,
          PLUMB_REPO_DIR: repo.dir,
        };
        const r = await bash(template['plumb-review'].script.join('\n'), env, project);
        expect(r.code, r.stderr).toBe(3); // reviewed against the branch of that name: the denial
        expect(existsSync(`${pwned}-1`)).toBe(false);
        expect(existsSync(`${pwned}-2`)).toBe(false);
        expect(gitlab.threads.get('77!6')![0].body).toContain('**Denied by policy**');
      } finally {
        checkout(repo.dir, 'main');
        git(repo.dir, 'update-ref', '-d', `refs/remotes/origin/${name}`);
      }
    });

    it.each([
      ['denied', () => repo.head, 3, '**Denied by policy**'],
      ['invalid', () => invalid, 1, '**The review could not be computed**'],
    ])('runs its script on a %s merge request: one note, a Code Quality report, the job exits with the review code', async (name, head, code, says) => {
      const project = join(work, `gitlab-${name}`);
      mkdirSync(project);
      gitlab.threads.set('77!5', []);
      checkout(repo.dir, head());
      try {
        const env = {
          ...template.variables,
          PLUMB_PACKAGE: '@shop/plumb',
          PATH: pathWithPlumb(),
          npm_config_prefix: join(work, 'prefix'),
          CI_PROJECT_DIR: project,
          CI_API_V4_URL: `${gitlab.url}/api/v4`,
          CI_PROJECT_ID: '77',
          CI_MERGE_REQUEST_IID: '5',
          CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
          PLUMB_GITLAB_TOKEN: FAKE_TOKEN,
          PLUMB_REPO_DIR: repo.dir,
          XDG_STATE_HOME: join(project, 'state'),
          // a project CI/CD variable reaches the job's environment as is
          ...(name === 'denied' ? { PLUMB_CACHE_KEY: CACHE_KEY } : {}),
        };
        for (let round = 0; round < 2; round++) {
          // GitLab runs the script lines in one shell that stops at the first failing one
          const r = await bash(template['plumb-review'].script.join('\n'), env, project);
          expect(r.code, r.stderr).toBe(code);
          // PLUMB_CACHE_KEY signs the cache (no per-job key is made) and is never shown; without it the log says the cache is per-job only
          expect(r.stdout.includes("plumb's content cache is per-job only")).toBe(name !== 'denied');
          expect(r.stdout + r.stderr).not.toContain(CACHE_KEY);
          expect(existsSync(join(project, 'state', 'plumb', 'cache-code.key'))).toBe(name !== 'denied');
        }
        const notes = gitlab.threads.get('77!5')!;
        expect(notes).toHaveLength(1);
        expect(notes[0].body).toContain(says);
        const report = JSON.parse(readFileSync(join(project, template['plumb-review'].artifacts.reports.codequality), 'utf8'));
        expect(report.length).toBeGreaterThan(0);
        for (const issue of report) {
          expect(Object.keys(issue).sort()).toEqual(['categories', 'check_name', 'description', 'fingerprint', 'location', 'severity', 'type']);
          expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
        }
        if (name === 'invalid')
          expect(report).toContainEqual(
            expect.objectContaining({ check_name: 'kind.unknown', location: { path: 'inventory/data.yaml', lines: { begin: 2 } } }),
          );
        else expect(report).toContainEqual(expect.objectContaining({ check_name: 'no-tier1-delete', severity: 'major' }));
      } finally {
        checkout(repo.dir, 'main');
      }
    });
  });
});
