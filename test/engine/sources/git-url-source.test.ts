import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitUrlSource } from '../../../engine/sources/git-url-source.js';
import { commit, head, makeGitRepo, removeGitRepo, tag } from '../../helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServer } from '../../helpers/git-http-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fixtureRepo() {
  const dir = makeGitRepo({ 'plumb.yaml': 'targets: {}\n', 'inventory/a.yaml': 'apiVersion: plumb.io/v1\nkind: Group\nmetadata: {name: a}\nspec: {}\n' });
  cleanups.push(() => removeGitRepo(dir));
  return dir;
}
function cache() {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-cache-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'source');
}
async function serve(dir: string, auth?: Parameters<typeof startGitHttpServer>[1]): Promise<GitHttpServer> {
  const server = await startGitHttpServer(dir, auth);
  cleanups.push(() => server.close());
  return server;
}
const signal = () => new AbortController().signal;

describe('git URL source', () => {
  it('fetches the head of a branch over smart HTTP, then a new commit on the next fetch', async () => {
    const repo = fixtureRepo();
    const server = await serve(repo);
    const source = createGitUrlSource({ url: server.url, ref: 'main', cacheDir: cache() });
    const first = await source.fetch(signal());
    expect(first).toEqual({ revision: head(repo), dir: first.dir, rev: head(repo) });
    const next = commit(repo, { 'inventory/b.yaml': 'x: 1\n' }, 'add b');
    expect((await source.fetch(signal())).revision).toBe(next);
  });

  it('follows a tag, peeling an annotated tag to its commit', async () => {
    const repo = fixtureRepo();
    const tagged = commit(repo, { 'inventory/c.yaml': 'y: 2\n' }, 'c');
    tag(repo, 'v1', { message: 'release 1' });
    commit(repo, { 'inventory/d.yaml': 'z: 3\n' }, 'd');
    const server = await serve(repo);
    const source = createGitUrlSource({ url: server.url, ref: 'v1', cacheDir: cache() });
    expect((await source.fetch(signal())).revision).toBe(tagged);
  });

  it('sends a bearer token from an environment variable, and never puts it in an error', async () => {
    const repo = fixtureRepo();
    const server = await serve(repo, { type: 'bearer', token: 's3cret-token' });
    process.env.PLUMB_TEST_GIT_TOKEN = 's3cret-token';
    const ok = createGitUrlSource({ url: server.url, cacheDir: cache(), credentials: { type: 'token', env: 'PLUMB_TEST_GIT_TOKEN' } });
    await expect(ok.fetch(signal())).resolves.toMatchObject({ dir: expect.any(String) });
    process.env.PLUMB_TEST_GIT_TOKEN = 'wrong-token';
    const bad = createGitUrlSource({ url: server.url, cacheDir: cache(), credentials: { type: 'token', env: 'PLUMB_TEST_GIT_TOKEN' } });
    const error = await bad.fetch(signal()).catch((e) => e);
    expect({ code: error.code, transient: error.data.transient }).toEqual({ code: 'source.auth-failed', transient: false });
    expect(JSON.stringify({ m: error.message, h: error.hint })).not.toContain('wrong-token');
    delete process.env.PLUMB_TEST_GIT_TOKEN;
  });

  it('sends basic credentials', async () => {
    const repo = fixtureRepo();
    const server = await serve(repo, { type: 'basic', username: 'git', password: 'pw' });
    process.env.PLUMB_TEST_GIT_BASIC = 'git:pw';
    const source = createGitUrlSource({ url: server.url, cacheDir: cache(), credentials: { type: 'basic', env: 'PLUMB_TEST_GIT_BASIC' } });
    await expect(source.fetch(signal())).resolves.toMatchObject({ revision: expect.stringMatching(/^[0-9a-f]{40}$/) });
    delete process.env.PLUMB_TEST_GIT_BASIC;
  });

  it('an unreachable server is a transient failure', async () => {
    const source = createGitUrlSource({ url: 'http://127.0.0.1:1/none', cacheDir: cache() });
    const error = await source.fetch(signal()).catch((e) => e);
    expect({ code: error.code, transient: error.data.transient }).toEqual({ code: 'source.unreachable', transient: true });
  });

  it('refuses credentials in the URL', () => {
    expect(() => createGitUrlSource({ url: 'https://user:pw@example.invalid/r.git', cacheDir: '/tmp/x' })).toThrow(
      expect.objectContaining({ code: 'source.credentials-in-url' }),
    );
  });
});
