// The HTTP(S) server of `pmemstat metrics`: GET /metrics (and a small page at /), nothing else.
// A scrape only copies out what the last background sample rendered: no client, however many
// or slow, makes it sample more often, and what it holds per client is bounded.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { BasicAuth, type WebConfig } from './webconfig';

/**
 * What a scrape is served: the body in parts (the sample's rendering, shared by every scrape, and
 * the age). Not compressed: gzip would cost a compression per scrape, or a multi-member stream
 * that some clients (curl) stop reading after the first member.
 */
export interface Scrape {
  contentType: string;
  body: Buffer[];
}

export interface ServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = { maxConnections: 64, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 60_000 };

const PAGE = '<!doctype html><html><head><title>pmemstat exporter</title></head><body><h1>pmemstat exporter</h1><p><a href="/metrics">Metrics</a></p></body></html>\n';

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

export function metricsServer(web: WebConfig, scrape: () => Promise<Scrape | null>, limits: ServerLimits = DEFAULT_LIMITS): Server {
  const auth = new BasicAuth(web.users);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume(); // a body is never read: drained, not kept
    const verdict = await auth.check(req.headers.authorization);
    if (verdict === 'busy') return send(res, 503, 'busy checking passwords\n', { 'Retry-After': '1' });
    if (verdict === 'denied') return send(res, 401, 'Unauthorized\n', { 'WWW-Authenticate': 'Basic realm="pmemstat", charset="UTF-8"' });
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/')) return send(res, 404, 'Not Found\n');
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    const s = await scrape();
    if (!s) return send(res, 503, 'no sample yet\n', { 'Retry-After': '1' });
    const length = s.body.reduce((n, b) => n + b.length, 0);
    res.writeHead(200, { 'Content-Type': s.contentType, 'Content-Length': String(length) });
    for (const b of s.body) res.write(b);
    res.end();
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
    });
  };
  // Node checks the headers and request timeouts every connectionsCheckingInterval (30 s by default).
  const timing = { connectionsCheckingInterval: 2_000, headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs };
  const server = web.tls
    ? createHttps(
        {
          ...timing,
          cert: web.tls.cert,
          key: web.tls.key,
          minVersion: web.tls.minVersion,
          ...(web.tls.clientCa ? { ca: web.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        listener,
      )
    : createHttp(timing, listener);
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  server.timeout = limits.idleTimeoutMs;
  server.maxHeadersCount = 64;
  return server;
}

/** Whether a listen address is the loopback (where the exporter may run without TLS and auth). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `ADDR:PORT`, `[V6ADDR]:PORT` or `:PORT` (all interfaces). */
export function parseListen(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  const host = m[1] ?? m[2];
  return { host: host === '' ? '0.0.0.0' : host, port };
}
