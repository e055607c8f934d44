import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { branch, checkout, commit, head, makeGitRepo, rename, type FileTree } from '../helpers/git-repo.js';
import { fixture } from '../helpers/run-cli.js';

/** Every file of test/fixtures/<name>, as a FileTree for makeGitRepo. */
export function fixtureTree(name: string): FileTree {
  const root = fixture(name);
  const tree: FileTree = {};
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    tree[relative(root, full).split('\\').join('/')] = readFileSync(full, 'utf8');
  }
  return tree;
}

export const SEARCH_APP = `apiVersion: plumb.io/v1
kind: Application
metadata:
  name: search
  namespace: shop
  labels: {env: prod}
spec:
  version: "2.0.0"
relations:
  - {type: dependsOn, target: database:orders-db}
`;

const DATA_AT_HEAD = `apiVersion: plumb.io/v1
kind: Database
metadata:
  name: orders-db
  namespace: shop
  labels: {env: prod, tier: "1"}
spec:
  engine: postgres
  version: "16.4"
  password: s3cr3t-head-value
relations:
  - {type: runsOn, target: host:db-host-1}
`;

/**
 * The pull request of the end-to-end tests, as real commits on a real
 * repository: `base` is test/fixtures/review-pr; then one commit renames
 * apps.yaml, and `head` adds the search application, changes orders-db
 * (version and its secret password), and deletes the tier-1 legacy-db with
 * the reports application that used it. Branch `add-only` (from base) only
 * adds the search application: changes that no policy denies.
 */
export function makeReviewRepo(): { dir: string; base: string; addOnly: string; renamed: string; head: string } {
  const dir = makeGitRepo(fixtureTree('review-pr'), { message: 'base: the shop' });
  const base = head(dir);
  branch(dir, 'add-only', { checkout: true });
  const addOnly = commit(dir, { 'inventory/search.yaml': SEARCH_APP }, 'add search');
  checkout(dir, 'main');
  const renamed = rename(dir, 'inventory/apps.yaml', 'inventory/apps/orders-api.yaml');
  const pr = commit(
    dir,
    { 'inventory/search.yaml': SEARCH_APP, 'inventory/data.yaml': DATA_AT_HEAD, 'inventory/reports.yaml': null },
    'add search, upgrade orders-db, retire legacy-db',
  );
  return { dir, base, addOnly, renamed, head: pr };
}
