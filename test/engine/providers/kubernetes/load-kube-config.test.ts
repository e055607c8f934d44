import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../../engine/providers/kubernetes/kube-config.js';

// KUBECONFIG=a:b as kubectl reads it (client-go's loading rules): a file of the list that does not exist is
// skipped; only when none exists is there nothing to load. An explicit --kubeconfig that does not exist is an error.
let dir: string;
const saved = process.env.KUBECONFIG;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-kc-load-'));
});
afterEach(() => {
  if (saved === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = saved;
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(name: string, server: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${name}`,
      `clusters: [{name: ${name}, cluster: {server: "${server}"}}]`,
      `users: [{name: ${name}, user: {}}]`,
      `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
      '',
    ].join('\n'),
  );
  return file;
}

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

it('a file KUBECONFIG names that does not exist is skipped, before or after the ones that do', () => {
  const good = kubeconfig('good', 'https://good.example:6443');
  const other = kubeconfig('other', 'https://other.example:6443');
  const gone = join(dir, 'gone');
  process.env.KUBECONFIG = [gone, good].join(delimiter);
  expect(loadKubeConfig({}).getCurrentCluster()?.server).toBe('https://good.example:6443');
  process.env.KUBECONFIG = [good, gone, other].join(delimiter);
  const kc = loadKubeConfig({ context: 'other' });
  expect(kc.getCurrentCluster()?.server).toBe('https://other.example:6443');
  expect(kc.getContexts().map((c) => c.name)).toEqual(['good', 'other']);
});

it('when none of the files KUBECONFIG names exists, or --kubeconfig names a missing file, it is kubernetes.kubeconfig-missing naming them', () => {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  process.env.KUBECONFIG = [a, b].join(delimiter);
  expect(code(() => loadKubeConfig({}))).toBe('kubernetes.kubeconfig-missing');
  expect(() => loadKubeConfig({})).toThrow(`${a}, ${b}`);
  expect(code(() => loadKubeConfig({ kubeconfig: a }))).toBe('kubernetes.kubeconfig-missing');
});

it('a listed path that exists but is no file is still an error, as in kubectl (only a missing file is skipped)', () => {
  const good = kubeconfig('good', 'https://good.example:6443');
  const notAFile = join(dir, 'a-directory');
  mkdirSync(notAFile);
  process.env.KUBECONFIG = [good, notAFile].join(delimiter);
  expect(code(() => loadKubeConfig({}))).toBe('kubernetes.kubeconfig-invalid');
});

it('a proxy-url that is not an http, https or socks5 URL is kubernetes.proxy-invalid, as kubectl refuses it', () => {
  for (const proxyUrl of ['not a url', 'ftp://proxy.corp:21', 'proxy.corp:3128', 'socks5://']) {
    const file = kubeconfig('good', 'https://good.example:6443');
    writeFileSync(file, readFileSync(file, 'utf8').replace('cluster: {server:', `cluster: {proxy-url: ${JSON.stringify(proxyUrl)}, server:`));
    expect(code(() => loadKubeConfig({ kubeconfig: file }))).toBe('kubernetes.proxy-invalid');
  }
  const file = kubeconfig('good', 'https://good.example:6443');
  writeFileSync(file, readFileSync(file, 'utf8').replace('cluster: {server:', 'cluster: {proxy-url: "socks5://bastion:1080", server:'));
  expect(loadKubeConfig({ kubeconfig: file }).getCurrentCluster()?.proxyUrl).toBe('socks5://bastion:1080');
});

it("KUBECONFIG=a:b merges as kubectl does: the first file's current-context, and a name two files share is the first file's", () => {
  // both files name a cluster and a user "shared" (kind, minikube and cloud CLIs all write such names)
  const write = (name: string): string => {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ctx-${name}`,
        `clusters: [{name: shared, cluster: {server: "https://shared-${name}.example:6443"}}, {name: c-${name}, cluster: {server: "https://${name}.example:6443"}}]`,
        `users: [{name: shared, user: {token: tok-${name}-0123456789}}]`,
        `contexts: [{name: ctx-${name}, context: {cluster: c-${name}, user: shared}}, {name: both-${name}, context: {cluster: shared, user: shared}}]`,
        '',
      ].join('\n'),
    );
    return file;
  };
  const a = write('a');
  const b = write('b');
  process.env.KUBECONFIG = [a, b].join(delimiter);
  const kc = loadKubeConfig({});
  // kubectl config view --minify: ctx-a, https://a.example:6443 (client-node's own merge took ctx-b and threw on "shared")
  expect(kc.getCurrentContext()).toBe('ctx-a');
  expect(kc.getCurrentCluster()?.server).toBe('https://a.example:6443');
  expect(kc.getCurrentUser()?.token).toBe('tok-a-0123456789');
  const viaB = loadKubeConfig({ context: 'both-b' });
  expect(viaB.getCurrentCluster()?.server).toBe('https://shared-a.example:6443');
  // a file that sets no current-context leaves it to the next one that does
  writeFileSync(a, readFileSync(a, 'utf8').replace(/^current-context: .*$/m, ''));
  expect(loadKubeConfig({}).getCurrentContext()).toBe('ctx-b');
  expect(loadKubeConfig({}).getCurrentUser()?.token).toBe('tok-a-0123456789');
});

it('an empty kubeconfig (blank, comments only) in KUBECONFIG is an empty config, as to kubectl; alone it names no cluster', () => {
  const good = kubeconfig('good', 'https://good.example:6443');
  const empty = join(dir, 'empty');
  const comments = join(dir, 'comments');
  writeFileSync(empty, '');
  writeFileSync(comments, '# written by a login tool\n---\n');
  process.env.KUBECONFIG = [empty, good, comments].join(delimiter);
  expect(loadKubeConfig({}).getCurrentCluster()?.server).toBe('https://good.example:6443');
  process.env.KUBECONFIG = empty;
  expect(code(() => loadKubeConfig({}))).toBe('kubernetes.no-cluster');
  expect(code(() => loadKubeConfig({ kubeconfig: comments }))).toBe('kubernetes.no-cluster');
});
