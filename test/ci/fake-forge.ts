import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A comment (GitHub) or note (GitLab) as the fake keeps it. */
export interface FakeComment {
  id: number;
  body: string;
  author: string;
  /** The author's numeric id (GitLab `author.id`, GitHub `user.id`); default FAKE_USER's for FAKE_USER, else derived from the name. */
  authorId?: number;
  /** GitLab: notes the system writes ("added 1 commit"). */
  system?: boolean;
}

export interface FakeForge {
  /** Base URL: GitHub's API under `/api/v3` (as GitHub Enterprise Server), GitLab's under `/api/v4`. */
  readonly url: string;
  /** host:port, for gh's GH_HOST. */
  readonly host: string;
  /** The CA certificate file that trusts an HTTPS fake (for SSL_CERT_FILE); undefined over HTTP. */
  readonly caFile?: string;
  /** Comments per pull request / merge request, `owner/name#12` (GitHub) or `projectId!12` (GitLab). */
  readonly threads: Map<string, FakeComment[]>;
  /** Every request: method, path, and the token it carried. */
  readonly requests: { method: string; path: string; token: string | undefined }[];
  /** When true, lists answer their first page whatever `page` asks (a server or proxy that ignores paging). */
  ignorePaging: boolean;
  /** When true, requests are read and never answered (a forge or proxy that stopped answering). */
  stall: boolean;
  close(): Promise<void>;
}

const TOKEN = 'test-token-fake-forge';
export const FAKE_TOKEN = TOKEN;
/**
 * A token as GitHub Actions' GITHUB_TOKEN is one: an installation token whose
 * comments are written by `github-actions[bot]` and that `GET /user` refuses
 * (403 "Resource not accessible by integration").
 */
export const FAKE_ACTIONS_TOKEN = 'test-installation-token-fake-forge';

/** The user of FAKE_TOKEN: `GET /user` answers it, and it writes the comments that token creates. */
export const FAKE_USER = { login: 'plumb-bot', id: 4242 } as const;
export const ACTIONS_BOT = 'github-actions[bot]';
/** A GitHub App's installation token (not the workflow's GITHUB_TOKEN): refused /user as FAKE_ACTIONS_TOKEN is, its comments are APP_BOT's. */
export const FAKE_APP_TOKEN = 'test-app-installation-token-fake-forge';
export const APP_BOT = 'plumb-reviewer[bot]';

/**
 * A fake of the two comment APIs plumb's CI scripts use, on 127.0.0.1: GitHub's
 * issue comments (list with `per_page`/`page`, create, update — as
 * /api/v3/repos/OWNER/NAME/issues/N/comments and /issues/comments/ID) and
 * GitLab's merge request notes (list, create, update — as
 * /api/v4/projects/ID/merge_requests/IID/notes[/NOTE]), and `GET /user` of
 * both. Comments carry their author (`user.login`/`user.id`, GitLab
 * `author.username`/`author.id`); a comment is created as the token's user and
 * only its author may edit it (403 otherwise), as on the real forges.
 * FAKE_TOKEN is FAKE_USER's; FAKE_ACTIONS_TOKEN behaves as the Actions
 * GITHUB_TOKEN (`github-actions[bot]`, no /user). Requests without a known
 * token are refused (401) as the real APIs do. `https: true` serves TLS with a
 * self-signed certificate for 127.0.0.1 made by openssl (gh speaks only HTTPS
 * to a GitHub Enterprise host).
 */
export async function startFakeForge({ https = false }: { https?: boolean } = {}): Promise<FakeForge> {
  const threads = new Map<string, FakeComment[]>();
  const requests: FakeForge['requests'] = [];
  let next = 1000;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const auth = req.headers.authorization?.replace(/^(token|Bearer) /, '') ?? (req.headers['private-token'] as string | undefined);
      requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, token: auth });
      if (forge.stall) return;
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (auth !== TOKEN && auth !== FAKE_ACTIONS_TOKEN && auth !== FAKE_APP_TOKEN) return send(401, { message: 'Bad credentials' });
      const author = auth === TOKEN ? FAKE_USER.login : auth === FAKE_APP_TOKEN ? APP_BOT : ACTIONS_BOT;
      if ((url.pathname === '/api/v3/user' || url.pathname === '/api/v4/user') && req.method === 'GET') {
        if (auth === FAKE_ACTIONS_TOKEN || auth === FAKE_APP_TOKEN)
          return send(403, {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          });
        return send(
          200,
          url.pathname.startsWith('/api/v3') ? { login: FAKE_USER.login, id: FAKE_USER.id, type: 'User' } : { username: FAKE_USER.login, id: FAKE_USER.id },
        );
      }
      let m: RegExpMatchArray | null;
      const page = (list: FakeComment[]) => {
        const per = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const n = forge.ignorePaging ? 1 : Number(url.searchParams.get('page') ?? 1);
        return list.slice((n - 1) * per, n * per);
      };
      if ((m = url.pathname.match(/^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/))) {
        const key = `${m[1]}#${m[2]}`;
        const list = threads.get(key) ?? [];
        threads.set(key, list);
        if (req.method === 'GET') return send(200, page(list).map(github));
        if (req.method === 'POST') {
          const c = { id: next++, body: JSON.parse(body).body as string, author };
          list.push(c);
          return send(201, github(c));
        }
      }
      if ((m = url.pathname.match(/^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/)) && req.method === 'PATCH') {
        const c = [...threads.entries()]
          .filter(([k]) => k.startsWith(`${m![1]}#`))
          .flatMap(([, l]) => l)
          .find((x) => x.id === Number(m![2]));
        if (!c) return send(404, { message: 'Not Found' });
        if (c.author !== author) return send(403, { message: 'Must have admin rights to Repository.' });
        c.body = JSON.parse(body).body;
        return send(200, github(c));
      }
      if ((m = url.pathname.match(/^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/))) {
        const key = `${decodeURIComponent(m[1])}!${m[2]}`;
        const list = threads.get(key) ?? [];
        threads.set(key, list);
        if (!m[3] && req.method === 'GET') return send(200, page(list).map(gitlab));
        if (!m[3] && req.method === 'POST') {
          const c = { id: next++, body: JSON.parse(body).body as string, author };
          list.push(c);
          return send(201, gitlab(c));
        }
        if (m[3] && req.method === 'PUT') {
          const c = list.find((x) => x.id === Number(m![3]));
          if (!c) return send(404, { message: '404 Not found' });
          if (c.author !== author) return send(403, { message: '403 Forbidden' });
          c.body = JSON.parse(body).body;
          return send(200, gitlab(c));
        }
      }
      send(404, { message: 'Not Found' });
    });
  };

  let server: Server;
  let caFile: string | undefined;
  let certDir: string | undefined;
  if (https) {
    certDir = mkdtempSync(join(tmpdir(), 'plumb-fake-forge-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    caFile = join(certDir, 'cert.pem');
    server = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(caFile) }, handler);
  } else server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const forge: FakeForge = {
    url: `${https ? 'https' : 'http'}://${host}`,
    host,
    caFile,
    threads,
    requests,
    ignorePaging: false,
    stall: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        if (certDir) rmSync(certDir, { recursive: true, force: true });
      }),
  };
  return forge;
}

/** A stable id per author name: FAKE_USER's own id, else one derived from the name (as real users have distinct ids). */
function idOf(c: FakeComment): number {
  if (c.authorId !== undefined) return c.authorId;
  if (c.author === FAKE_USER.login) return FAKE_USER.id;
  let h = 7;
  for (const ch of c.author) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return 100_000 + h;
}

function github(c: FakeComment) {
  return { id: c.id, body: c.body, user: { login: c.author, id: idOf(c), type: c.author.endsWith('[bot]') ? 'Bot' : 'User' } };
}

function gitlab(c: FakeComment) {
  return { id: c.id, body: c.body, author: { id: idOf(c), username: c.author, name: c.author }, system: c.system ?? false };
}
