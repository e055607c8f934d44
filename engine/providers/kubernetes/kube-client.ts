import { Agent, request, type RequestOptions } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { setMaxListeners } from 'node:events';
import { connect as http2Connect, constants as http2Constants, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { parseProxyUrl, proxyCredentialsOf, proxyFromEnvironment } from './env-proxy.js';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { mapConcurrent } from '../../concurrency/map-concurrent.js';
import { sleep } from '../../concurrency/sleep.js';
import { privateKeyForms, registerSecretValues } from '../../redact/scrubber.js';
import { DEFAULT_RETRY, isPermanentAnswer, isTransientError, isTransientStatus, retryDelay, type RetryPolicy } from './retry.js';

/** The proxy variables a process (and the credential plugins it starts) may carry, as kubectl and curl read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

export interface KubeResponse {
  readonly status: number;
  readonly body: any;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path with query string, e.g. `/apis/apps/v1/namespaces/shop/deployments?limit=500`. */
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Attempts for this call (default: the client's retry policy); discovery of an aggregated API asks twice, as kubectl does not wait on it either. */
  readonly attempts?: number;
  /** The Accept header (default `application/json`), e.g. for metadata-only lists. */
  readonly accept?: string;
}

/** A request that failed for good: not a 2xx, after the retries a transient error earned. */
export class KubeApiError extends Error {
  /** The resource the call was about, when the caller knew it (for diagnostics). */
  resource?: import('./discovery.js').ApiResource;
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details?: any,
    /**
     * Whether the answer was a `Status` object, as the API server (its authorizer, admission, a webhook's denial)
     * writes every error — not a proxy's or load balancer's page, nor an empty body.
     */
    readonly apiStatus = false,
  ) {
    super(message);
  }
}

/** How long a server that stayed unreachable through a retry budget is taken as down. */
const UNREACHABLE_HOLD_MS = 10_000;

/** Calls retried so far, for tests and metrics. */
export interface KubeClientStats {
  requests: number;
  retries: number;
}

/**
 * The kubeconfig user's credential could not be had: its exec credential plugin
 * failed (the message is the plugin's stderr, as kubectl prints it) or printed
 * something that is not an ExecCredential (not quoted: it would hold the
 * token), or an auth provider failed. Not a network error: the API server was
 * never asked.
 */
export class KubeCredentialError extends Error {
  constructor(cause: unknown) {
    const message =
      cause instanceof SyntaxError
        ? 'its output is not an ExecCredential (JSON)'
        : String((cause as Error)?.message ?? cause)
            .replace(/(\\n|\s)+$/, '')
            .trim();
    super(message);
    this.name = 'KubeCredentialError';
  }
}

/**
 * The longest watch event line (characters) a watch reads; a longer one ends the watch
 * with an error. An event is one object as JSON: the API server stores at most
 * about 1.5 MiB per object (etcd's request limit), so this leaves room for a
 * raised limit while a stream that never sends a line end (a broken proxy)
 * cannot hold more than this much memory per watch.
 */
export const WATCH_EVENT_MAX_CHARS = 32 * 2 ** 20;

/**
 * A small JSON client over one HTTP/2 connection (node:http2; else node:https
 * with a keep-alive agent: a proxy, a server without `h2`, watches), using
 * client-node's KubeConfig for the server and credentials. plumb owns the
 * transport so that every call gets the same retry policy (429/5xx and lost
 * connections, honouring Retry-After), cancellation and error shape — the
 * generated clients hide status codes and headers behind exceptions.
 */
export class KubeClient {
  readonly server: URL;
  readonly stats: KubeClientStats = { requests: 0, retries: 0 };
  /** The agents of calls (at most `maxSockets` sockets) and of watches (apart, so a long watch never queues a call), made on first use. */
  private readonly agents: { calls?: Promise<Agent | HttpAgent>; watches?: Promise<Agent | HttpAgent> } = {};
  private readonly made: Array<Agent | HttpAgent> = [];
  private closed = false;
  private base?: Promise<RequestOptions>;
  /**
   * Set when the server stayed unreachable through a whole retry budget: later
   * calls fail at once with the same error instead of each waiting out its own
   * retries (a dead API server must not turn a plan into minutes of backoff).
   * It holds for a short while only, so a long-lived client (the controller)
   * tries again later; any answer from the server clears it.
   */
  private unreachable?: { error: unknown; until: number };
  /** When the server last answered anything (Date.now()): a call that failed while others were answered says nothing of the server. */
  private answeredAt = 0;

  constructor(
    private readonly kc: KubeConfig,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly maxSockets = 16,
  ) {
    const cluster = kc.getCurrentCluster();
    this.server = new URL(cluster!.server);
    // the environment's proxy passwords are credentials before any request: an exec plugin inherits the variables
    // (and may print one in an error) whether or not this server goes through the proxy (NO_PROXY)
    registerSecretValues(PROXY_VARIABLES.flatMap((name) => proxyCredentialsOf(process.env[name])));
  }

  /**
   * A keep-alive agent for the server — through the cluster's `proxy-url` when
   * the kubeconfig sets one, else the environment's proxy (`HTTPS_PROXY`,
   * `NO_PROXY`: env-proxy.ts), as kubectl: `http://` and `https://` proxies by
   * HTTP CONNECT (hpagent; the proxy's user and password, URL-encoded in it,
   * as Proxy-Authorization), `socks5://` (and socks4, socks5h) by SOCKS
   * (socks-proxy-agent, imported only then; socks5 resolves the server's name
   * at the proxy, as kubectl's does). TLS to the API server is end to
   * end either way: the request's CA, client certificate and TLS context apply
   * to the tunnelled socket. Neither the agent's errors nor this one's name the
   * URL (it may hold the proxy's password).
   */
  private async newAgent(maxSockets?: number): Promise<Agent | HttpAgent> {
    const options = { keepAlive: true, ...(maxSockets === undefined ? {} : { maxSockets }) };
    const http = this.server.protocol === 'http:';
    const proxyUrl = this.proxyUrl();
    // its password is a credential as a kubeconfig's (kube-config.ts registers proxy-url's when it loads)
    registerSecretValues(proxyCredentialsOf(proxyUrl));
    let agent: Agent | HttpAgent;
    if (!proxyUrl) agent = http ? new HttpAgent(options) : new Agent(options);
    else {
      const source = this.kc.getCurrentCluster()?.proxyUrl
        ? "the kubeconfig cluster's proxy-url"
        : http
          ? 'HTTP_PROXY (or http_proxy)'
          : 'HTTPS_PROXY (or https_proxy)';
      const proxy = parseProxyUrl(proxyUrl, source);
      if (proxy.protocol === 'http:' || proxy.protocol === 'https:')
        agent = http ? new HttpProxyAgent({ ...options, proxy }) : new HttpsProxyAgent({ ...options, proxy });
      else {
        // a CommonJS package: its exports are the module's, or its default's once bundled
        // kubectl's socks5 sends the server's name to the proxy (a bastion resolves private names): socks-proxy-agent's socks5h
        if (proxy.protocol === 'socks5:') proxy.protocol = 'socks5h:';
        const socks = (await import('socks-proxy-agent')) as typeof import('socks-proxy-agent') & { default?: typeof import('socks-proxy-agent') };
        agent = new (socks.SocksProxyAgent ?? socks.default!.SocksProxyAgent)(proxy, options) as unknown as Agent;
      }
    }
    if (this.closed) agent.destroy();
    else this.made.push(agent);
    return agent;
  }

  /** The kubeconfig's proxy-url, else the environment's (HTTPS_PROXY, NO_PROXY …), as kubectl; '' for none. */
  private proxyUrl(): string {
    return this.kc.getCurrentCluster()?.proxyUrl || proxyFromEnvironment(this.server) || '';
  }

  /**
   * Whether calls go over one HTTP/2 connection, as kubectl's: an `https://`
   * server reached directly (a proxy, by CONNECT or SOCKS, is reached over
   * HTTP/1.1 through the agent), unless `DISABLE_HTTP2` is set (client-go's
   * switch, which kubectl honours too) or the server did not offer `h2`.
   */
  private http2(): boolean {
    if (this.h2Off === undefined) this.h2Off = this.server.protocol !== 'https:' || Boolean(process.env.DISABLE_HTTP2) || this.proxyUrl() !== '';
    return !this.h2Off && !this.closed;
  }

  private h2Off?: boolean;

  private agent(): Promise<Agent | HttpAgent> {
    this.agents.calls ??= this.newAgent(this.maxSockets);
    return this.agents.calls;
  }

  /** Whether the user's credential is issued at run time (an exec plugin, an auth provider) and may expire under a long-lived client. */
  private issuedCredential(): boolean {
    const user = this.kc.getCurrentUser();
    return Boolean(user?.exec || user?.authProvider);
  }

  /**
   * The options every request starts from: the server's CA, the user's
   * credential (client-node resolves it: an exec plugin runs here) and one TLS
   * context for every connection — `tls.connect` would otherwise build a
   * context from the same ca/cert/key for each socket it opens (~1.5 ms of
   * CPU each; a steady-state plan opens 16). Resolved once for all the calls
   * that start together (an exec plugin runs once, not once per call), and
   * again after an issued credential is refused (see {@link call}).
   */
  private options(): Promise<RequestOptions> {
    this.base ??= this.resolveOptions().catch((e) => {
      this.base = undefined;
      throw e;
    });
    return this.base;
  }

  private async resolveOptions(): Promise<RequestOptions> {
    const opts: RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new KubeCredentialError(e);
    }
    // what an exec plugin (or an auth provider) issued is in no kubeconfig field kube-config.ts registers
    registerSecretValues(requestCredentials(opts));
    // the fields tls.connect would build its context from (ca, cert, key, pfx, passphrase, …), once
    if (this.server.protocol === 'https:') (opts as { secureContext?: SecureContext }).secureContext = createSecureContext(opts as SecureContextOptions);
    return opts;
  }

  /**
   * The credential the requests carry, once resolved (an exec plugin runs here): the Authorization header, the
   * basic-auth pair (client-node passes a kubeconfig's username and password as the request's `auth`, not as a
   * header), the client certificate and key, and impersonation headers, as one string — for an HMAC'd cache key
   * only (it holds secrets; never written, logged or shown).
   *
   * @throws KubeCredentialError when the credential cannot be had
   */
  async requestCredential(): Promise<string> {
    const opts = await this.options();
    const headers = Object.entries((opts.headers ?? {}) as Record<string, unknown>)
      .filter(([name]) => /^(?:authorization|impersonate-)/i.test(name))
      .map(([name, value]) => `${name.toLowerCase()}: ${String(value)}`)
      .sort();
    const text = (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : typeof x === 'string' ? x : '')).join('\n');
    return JSON.stringify([headers, text(opts.cert), text(opts.key), text((opts as { auth?: unknown }).auth)]);
  }

  /** One call with retries; throws KubeApiError for a final non-2xx answer. */
  async call(req: KubeRequest): Promise<KubeResponse> {
    // many calls in flight share one signal: each adds an abort listener while it runs
    if (req.signal) setMaxListeners(0, req.signal);
    if (this.unreachable && Date.now() < this.unreachable.until) throw this.unreachable.error;
    const started = Date.now();
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      let res: KubeResponse | undefined;
      try {
        this.stats.requests++;
        res = await this.once(req);
        this.unreachable = undefined;
        this.answeredAt = Date.now();
      } catch (e) {
        if (req.signal?.aborted) throw e;
        // down only if nothing answered meanwhile: one endpoint that hangs or resets (a stuck aggregated API behind the
        // API server) is that call's failure, not the server's — else every call after it failed for 10 s (a plan's dry runs)
        if (isTransientError(e) && attempt >= (req.attempts ?? this.retry.attempts) && this.answeredAt < started)
          this.unreachable = { error: e, until: Date.now() + UNREACHABLE_HOLD_MS };
        if (!isTransientError(e) || attempt >= (req.attempts ?? this.retry.attempts)) throw e;
        this.stats.retries++;
        await sleep(retryDelay(this.retry, attempt, undefined), req.signal);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && !reauthenticated && this.issuedCredential()) {
        // an exec plugin's (or auth provider's) credential expired since it was resolved: resolve it again, once
        // (client-node runs the plugin again past the credential's expirationTimestamp), as client-go does on a 401
        reauthenticated = true;
        this.base = undefined;
        attempt--;
        continue;
      }
      if (isTransientStatus(res.status) && !isPermanentAnswer(res.status, res.body?.message) && attempt < (req.attempts ?? this.retry.attempts)) {
        this.stats.retries++;
        const after = res.headers['retry-after'];
        await sleep(retryDelay(this.retry, attempt, Array.isArray(after) ? after[0] : after), req.signal);
        continue;
      }
      const body = res.body ?? {};
      throw new KubeApiError(res.status, String(body.reason ?? res.status), String(body.message ?? `http ${res.status}`), body.details, body.kind === 'Status');
    }
  }

  /**
   * Every page of one list (`limit` and `continue`), handed to `onPage` in the
   * server's order, as client-go's pager reads them:
   * - a `continue` token that expired while paging (410 Gone: etcd compacted
   *   past the list's revision during a slow read of a large list) starts the
   *   list again once, whole, without `limit` — client-go's FullListIfExpired;
   *   `onPage` is then called with `restarted` true: drop the pages before it;
   * - a `continue` token the server gave before (a server or aggregated API
   *   that ignores `continue`) ends the read with a KubeApiError of reason
   *   `RepeatedContinue`, instead of asking for the same page forever.
   *
   * @param path the collection's path, without a query (`/api/v1/namespaces/shop/configmaps`)
   * @param query the list's parameters (`limit`, `labelSelector`, `fieldSelector`); `continue` is set here
   * @param onPage the items of one page (the raw objects), whether the list started again with it, and the
   *   list's metadata (its `resourceVersion`: where a watch of the same collection starts)
   * @param opts.ahead first pages already asked for ({@link askAhead}): the one of this exact request (path, query
   *   and Accept header: {@link aheadKey}) is taken from it — and out of it, once — instead of asking again
   * @throws KubeApiError as {@link call} does, or `RepeatedContinue`
   */
  async listPages(
    path: string,
    query: URLSearchParams,
    opts: Pick<KubeRequest, 'signal' | 'accept'> & { readonly ahead?: ListsAhead },
    onPage: (items: any[], restarted: boolean, metadata: { resourceVersion?: string }) => void,
  ): Promise<void> {
    const { ahead, ...request } = opts;
    const tokens = new Set<string>();
    let cont: string | undefined;
    let restarted = false;
    let whole = false;
    for (;;) {
      const q = new URLSearchParams(query);
      if (whole) q.delete('limit');
      if (cont) q.set('continue', cont);
      let res: KubeResponse;
      const url = q.size ? `${path}?${q}` : path;
      try {
        const early = cont || whole ? undefined : ahead?.take(aheadKey(url, request.accept));
        res = await (early ?? this.call({ method: 'GET', path: url, ...request }));
      } catch (e) {
        if (cont && !whole && e instanceof KubeApiError && e.status === 410) {
          // the token expired between two pages: the whole list again, in one answer
          whole = restarted = true;
          cont = undefined;
          continue;
        }
        throw e;
      }
      onPage((res.body?.items ?? []) as any[], restarted, res.body?.metadata ?? {});
      restarted = false;
      cont = res.body?.metadata?.continue || undefined;
      if (cont !== undefined && tokens.has(cont)) {
        throw new KubeApiError(res.status, 'RepeatedContinue', 'it gave the same continue token twice (it ignores continue), so the list would never end');
      }
      if (cont === undefined) return;
      tokens.add(cont);
    }
  }

  /**
   * Asks for the first page of each list in `urls` (GET path with query, as {@link listPages} sends it) now,
   * at most `limit` at a time once `after` settles, for a later {@link listPages} of the same request to take
   * ({@link ListsAhead.take}): the same requests, made before the caller knows it will make them (a plan's lists
   * while its repository loads). A request not yet sent when {@link ListsAhead.stop} is called is never sent;
   * one nobody takes is dropped with the object. Failures are the taker's, as the call's would be.
   */
  askAhead(urls: readonly string[], limit: number, signal?: AbortSignal, after: Promise<unknown> = Promise.resolve()): ListsAhead {
    const answers = new Map<string, Promise<KubeResponse>>();
    const starts: [string, (answer: Promise<KubeResponse>) => void][] = [];
    let stopped = false;
    for (const url of urls) {
      const key = aheadKey(url, undefined);
      if (answers.has(key)) continue;
      const answer = new Promise<KubeResponse>((resolve) => starts.push([url, resolve]));
      answer.catch(() => undefined); // the taker's to see
      answers.set(key, answer);
    }
    const ask = () =>
      mapConcurrent(starts, limit, async ([url, start]) => {
        const answer = stopped || this.closed ? Promise.reject(new Error('asked ahead, then not needed')) : this.call({ method: 'GET', path: url, signal });
        start(answer);
        await answer.catch(() => undefined);
      });
    void after.then(ask, ask);
    return {
      take: (key) => {
        const answer = answers.get(key);
        answers.delete(key);
        return answer;
      },
      stop: () => {
        stopped = true;
        answers.clear();
      },
    };
  }

  private async once(req: KubeRequest): Promise<KubeResponse> {
    const base = await this.options();
    if (this.http2()) {
      try {
        return await this.onceHttp2(req, base);
      } catch (e) {
        // a server (or a TLS terminator before it) that speaks only HTTP/1.1: this client stays on HTTP/1.1
        if (!(e instanceof Http2Refused)) throw e;
        this.h2Off = true;
      }
    }
    const agent = await this.agent();
    const url = new URL(req.path, this.server);
    const payload = req.body === undefined ? undefined : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    const send = this.server.protocol === 'http:' ? httpRequest : request;
    return new Promise((resolve, reject) => {
      const r = send(
        url,
        {
          ...base,
          method: req.method,
          agent: agent as Agent,
          signal: req.signal,
          headers: {
            ...(base.headers ?? {}),
            accept: req.accept ?? 'application/json',
            ...(payload ? { 'content-type': req.contentType ?? 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: responseBody(chunks), headers: res.headers }));
        },
      );
      r.setTimeout(30_000, () => r.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      r.on('error', reject);
      // headers and body in one segment, no Nagle: a separate body write waits
      // ~40 ms on the peer's delayed ACK (measured: 52 ms per PATCH, 0.8 ms per GET)
      r.setNoDelay(true);
      r.end(payload);
    });
  }

  /** The HTTP/2 connection of calls, with the options it was opened with (a credential resolved again opens another). */
  private h2?: Http2Entry;

  /**
   * The HTTP/2 session for `base`: one TLS connection for every call (a
   * steady-state plan's ~70 requests opened 16 connections over HTTP/1.1, a
   * TLS handshake each — ~35 ms of plumb's CPU and as much of a local API
   * server's). The same TLS context (CA, client certificate, server name,
   * `insecure-skip-tls-verify`) as the agent's connections. Unreferenced
   * while no call is in flight, so an idle client never holds the process.
   */
  private session(base: RequestOptions): Http2Entry {
    const open = this.h2;
    if (open && open.base === base && !open.session.closed && !open.session.destroyed) return open;
    if (open) open.session.close();
    const { headers: _headers, auth: _auth, agent: _agent, ...tls } = base as RequestOptions & { auth?: string };
    const session = http2Connect(this.server.origin, { ...(tls as object), ALPNProtocols: ['h2'] });
    const entry: Http2Entry = { session, base, active: 0, refused: false };
    session.on('error', () => undefined); // each call in flight fails with it (see onceHttp2)
    session.on('connect', () => {
      // a server that ignores ALPN answers HTTP/1.1 to HTTP/2 frames: not asked at all
      if (session.alpnProtocol === 'h2') return;
      entry.refused = true;
      session.destroy();
    });
    session.on('goaway', () => {
      if (this.h2 === entry) this.h2 = undefined; // calls after it open a new connection
    });
    session.on('close', () => {
      if (this.h2 === entry) this.h2 = undefined;
    });
    session.unref();
    this.h2 = entry;
    return entry;
  }

  /** One call over the client's HTTP/2 session; throws {@link Http2Refused} when the server does not speak HTTP/2. */
  private onceHttp2(req: KubeRequest, base: RequestOptions): Promise<KubeResponse> {
    const entry = this.session(base);
    const { session } = entry;
    const payload = req.body === undefined ? undefined : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(base.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value as string | string[];
    // a kubeconfig's username and password, as node:http sends its `auth` option (an Authorization header wins)
    const auth = (base as { auth?: string }).auth;
    if (auth && headers.authorization === undefined) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    headers[http2Constants.HTTP2_HEADER_METHOD] = req.method;
    headers[http2Constants.HTTP2_HEADER_PATH] = req.path;
    headers.accept = req.accept ?? 'application/json';
    if (payload) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        if (--entry.active === 0 && !session.destroyed) session.unref();
        f();
      };
      if (entry.active++ === 0) session.ref();
      let stream: ReturnType<ClientHttp2Session['request']>;
      try {
        stream = session.request(headers, { endStream: !payload, ...(req.signal ? { signal: req.signal } : {}) });
      } catch (e) {
        done(() => reject(http2Failure(e, entry)));
        return;
      }
      let status = 0;
      let responseHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => {
        status = Number(h[http2Constants.HTTP2_HEADER_STATUS] ?? 0);
        responseHeaders = h as Record<string, string | string[] | undefined>;
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(() => resolve({ status, body: responseBody(chunks), headers: responseHeaders })));
      stream.on('error', (e) => done(() => reject(http2Failure(e, entry))));
      stream.on('close', () =>
        done(() => reject(http2Failure(Object.assign(new Error('the HTTP/2 stream closed before its answer'), { code: 'ECONNRESET' }), entry))),
      );
      stream.setTimeout(30_000, () => {
        done(() => reject(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
        stream.close(http2Constants.NGHTTP2_CANCEL);
      });
      if (payload) stream.end(payload);
    });
  }

  /**
   * One watch request (`path` carries `watch=1`, the resourceVersion and the
   * selectors): each event line the server streams is handed to `onEvent`
   * as it arrives (`{ type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR', object }`).
   * Resolves when the server ends the stream (its `timeoutSeconds`, or a
   * connection it drops), or when `signal` aborts it; throws a
   * {@link KubeApiError} when the server refuses the watch (403, 410 Gone
   * for a resourceVersion too old, …) and the socket's error otherwise. An
   * exception `onEvent` throws ends the watch and is rethrown. No retries:
   * the caller resumes from the last resourceVersion it saw, or lists again.
   * `idleMs`: the connection is dropped when nothing (not even a bookmark)
   * arrived for that long.
   */
  async watch(path: string, onEvent: (event: { type: string; object: any }) => void, signal: AbortSignal, idleMs = 120_000): Promise<void> {
    const base = await this.options();
    const agent = await (this.agents.watches ??= this.newAgent());
    const send = this.server.protocol === 'http:' ? httpRequest : request;
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      let failed: unknown;
      const r = send(
        new URL(path, this.server),
        { ...base, method: 'GET', agent: agent as Agent, signal, headers: { ...(base.headers ?? {}), accept: 'application/json' } },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let kept = 0;
          // a character split between two chunks is decoded whole (Buffer#toString per chunk made it two U+FFFD)
          const decoder = new StringDecoder('utf8');
          let partial = '';
          const event = (line: string) => {
            if (line.trim()) onEvent(JSON.parse(line));
          };
          res.on('data', (c: Buffer) => {
            if (status < 200 || status >= 300) {
              // a refusal's Status is small: what a broken server sends beyond that is not kept
              if (kept < WATCH_EVENT_MAX_CHARS) chunks.push(c);
              kept += c.length;
              return;
            }
            if (failed) return;
            const text = decoder.write(c);
            try {
              // only the new text is searched for line ends: an event arriving in many chunks is not split again each time
              let start = 0;
              for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
                event(partial + text.slice(start, nl));
                partial = '';
                start = nl + 1;
              }
              partial += text.slice(start);
              if (partial.length > WATCH_EVENT_MAX_CHARS) {
                throw Object.assign(
                  new Error(`watch event longer than ${WATCH_EVENT_MAX_CHARS / 2 ** 20} MiB without a line end: not a Kubernetes watch stream`),
                  {
                    code: 'EMSGSIZE',
                  },
                );
              }
            } catch (e) {
              failed = e;
              r.destroy();
              reject(e);
            }
          });
          res.on('error', (e) => {
            if (failed) return;
            if (signal.aborted) resolve();
            else reject(e);
          });
          res.on('end', () => {
            if (failed) return;
            if (status >= 200 && status < 300) {
              resolve();
              return;
            }
            let body: any = {};
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              /* not a Status: the code alone */
            }
            // an issued credential that expired: the caller's next attempt resolves it again (see call)
            if (status === 401 && this.issuedCredential()) this.base = undefined;
            reject(new KubeApiError(status, String(body?.reason ?? status), String(body?.message ?? `http ${status}`), body?.details, body?.kind === 'Status'));
          });
          // an aborted watch ends quietly: its caller asked for it
          res.on('close', () => (signal.aborted && !failed ? resolve() : undefined));
        },
      );
      r.setTimeout(idleMs, () => r.destroy(Object.assign(new Error('watch went quiet'), { code: 'ETIMEDOUT' })));
      r.on('error', (e) => {
        if (failed) return;
        if (signal.aborted) resolve();
        else reject(e);
      });
      r.setNoDelay(true);
      r.end();
    });
  }

  close(): void {
    this.closed = true;
    this.h2?.session.destroy();
    this.h2 = undefined;
    for (const agent of this.made.splice(0)) agent.destroy();
  }
}

/**
 * The credentials a request carries once client-node has resolved the user: the
 * Authorization header (whole, and its token or basic-auth user:password and
 * password) and the client key — for the scrubber, since an exec credential
 * plugin's token or key (kubectl's `client.authentication.k8s.io`) exists only
 * at run time, in no kubeconfig field.
 *
 * @param opts request options after `KubeConfig.applyToHTTPSOptions`
 * @returns strings (the scrubber drops those shorter than its minimum)
 */
export function requestCredentials(opts: RequestOptions): string[] {
  const out: string[] = [];
  const headers = (opts.headers ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
    out.push(value);
    const [scheme, credential = ''] = value.split(/\s+/, 2);
    out.push(credential);
    if (scheme?.toLowerCase() === 'basic') {
      const pair = Buffer.from(credential, 'base64').toString('utf8');
      out.push(pair, pair.slice(pair.indexOf(':') + 1));
    }
  }
  // a kubeconfig's username and password travel as the request's `auth` (`user:password`)
  const auth = (opts as { auth?: unknown }).auth;
  // (client-node writes `user:undefined` for a user with a username and no password: no credential there)
  const password = typeof auth === 'string' && auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : '';
  if (password && password !== 'undefined') out.push(auth as string, password);
  const key = opts.key;
  for (const k of Array.isArray(key) ? key : [key]) {
    out.push(...privateKeyForms(typeof k === 'string' ? k : Buffer.isBuffer(k) ? k.toString('utf8') : undefined));
  }
  return out.filter((v) => v.length > 0);
}

/** First pages of lists asked for ahead ({@link KubeClient.askAhead}). */
export interface ListsAhead {
  /** The answer to the request of {@link aheadKey}, once (a second take is undefined); undefined when it was not asked ahead. */
  take(key: string): Promise<KubeResponse> | undefined;
  /** Sends none of those still waiting for their turn, and forgets every answer not taken. */
  stop(): void;
}

/** What identifies a list's first page among those asked ahead: the Accept header and the path with its query. */
export function aheadKey(url: string, accept: string | undefined): string {
  return `${accept ?? 'application/json'} ${url}`;
}

/** A client's HTTP/2 connection: the options it was opened with, its calls in flight, whether the server refused `h2`. */
interface Http2Entry {
  readonly session: ClientHttp2Session;
  readonly base: RequestOptions;
  active: number;
  refused: boolean;
}

/** The server (or a TLS terminator before it) did not agree to HTTP/2 (ALPN): the call is made again over HTTP/1.1. */
class Http2Refused extends Error {}

/**
 * The error a failed HTTP/2 call reports, in the terms of the HTTP/1.1 path: a
 * stream cancelled because its connection failed carries that connection's
 * error (ECONNREFUSED, a certificate the CA did not sign, …) as its cause; a
 * server that does not offer `h2` is {@link Http2Refused}; a connection that
 * went away under the call (GOAWAY, reset) is ECONNRESET, which is retried.
 */
/**
 * A response's body over either connection: its JSON, the text's first 500 characters as `{ message }` when it is
 * not JSON (a proxy's or load balancer's error page), undefined when empty.
 */
function responseBody(chunks: readonly Buffer[]): unknown {
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function http2Failure(e: unknown, entry: Http2Entry): unknown {
  const cause = (e as { code?: string; cause?: unknown }).code === 'ERR_HTTP2_STREAM_CANCEL' ? ((e as { cause?: unknown }).cause ?? e) : e;
  const code = (cause as { code?: string }).code;
  if (entry.refused || code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return new Http2Refused(String((cause as Error)?.message ?? cause));
  if (typeof code === 'string' && /^ERR_HTTP2_(?:GOAWAY_SESSION|INVALID_SESSION|SESSION_ERROR|STREAM_CANCEL|STREAM_ERROR)$/.test(code))
    return Object.assign(new Error(`the API server's HTTP/2 connection went away (${code})`), { code: 'ECONNRESET' });
  return cause;
}
