import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, basename } from 'node:path';

/**
 * A smart-HTTP Git server on 127.0.0.1 for tests: `git http-backend` run as a
 * CGI program behind a small node:http server, serving the repository at
 * `dir` as `http://127.0.0.1:PORT/<basename>`. Optional auth: `basic`
 * (user/password) or `bearer` (a token); a request without valid credentials
 * gets 401 with a WWW-Authenticate challenge. `requests` counts what was
 * served (e.g. to see that a poll happened).
 */
export interface GitHttpServer {
  readonly url: string;
  readonly requests: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

export async function startGitHttpServer(
  dir: string,
  auth?: { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string },
): Promise<GitHttpServer> {
  const root = dirname(dir);
  const name = basename(dir);
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number) => requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, status });
    if (auth && !authorized(req, auth)) {
      record(401);
      res.writeHead(401, { 'www-authenticate': auth.type === 'basic' ? 'Basic realm="git"' : 'Bearer realm="git"' });
      res.end('unauthorized\n');
      return;
    }
    if (!url.pathname.startsWith(`/${name}/`) && url.pathname !== `/${name}`) {
      record(404);
      res.writeHead(404).end('not found\n');
      return;
    }
    cgi(req, res, root, url, record);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function authorized(req: IncomingMessage, auth: { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string }): boolean {
  const header = req.headers.authorization ?? '';
  if (auth.type === 'bearer') return header === `Bearer ${auth.token}`;
  return header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

/** Runs git http-backend for one request (RFC 3875 CGI: headers, blank line, body on stdout). */
function cgi(req: IncomingMessage, res: ServerResponse, root: string, url: URL, record: (status: number) => void): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'test',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n');
    if (end < 0) return;
    const sep = head.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
      else headers[k] = v;
    }
    headersDone = true;
    record(status);
    res.writeHead(status, headers);
    res.write(head.subarray(end + sep));
  });
  child.on('close', () => {
    if (!headersDone) {
      record(500);
      res.writeHead(500).end('git http-backend failed\n');
    } else res.end();
  });
}
