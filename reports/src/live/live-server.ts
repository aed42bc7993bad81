import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { CellProgressEvent, Reporter, RunEvent, RunResults, TrainProgressEvent } from '@advbench/core';
import { inputError } from '@advbench/core';
import { summarizeRun } from '../analysis/summarize-run.js';
import { renderAccuracyChart } from '../charts/report-charts.js';
import { RunStateMirror } from '../state/run-state-mirror.js';
import { generateToken, isLoopbackHost, tokenMatches } from './live-token.js';
import { createRequestGuard, securityHeadersFor } from './request-guard.js';
import { VIEWER_PAGE } from './viewer-page.js';

/** The first message every client gets: the state so far; events with a larger `sequence` follow. */
export interface LiveSnapshotMessage {
  type: 'snapshot';
  /** Sequence number of the last event the snapshot includes. */
  sequence: number;
  /** The results so far (undefined before the run started). */
  results: RunResults | undefined;
  /** Latest training progress per defense. */
  training: Record<string, TrainProgressEvent>;
  /** Progress of the cell running now. */
  currentCell: CellProgressEvent | undefined;
}

/** Options of {@link startLiveServer}. */
export interface LiveServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind (default 127.0.0.1). A non-loopback address requires a token. */
  host?: string;
  /** The token clients must send as `?token=`; generated when one is required and none is given. */
  token?: string;
  /** Force (true) or waive (false) the token; default: required exactly when `host` is not loopback. */
  requireToken?: boolean;
  /** The state at start (for a server started mid-run or over a finished run; undefined before a run starts); events then keep it current. */
  snapshot: () => RunResults | undefined | Promise<RunResults | undefined>;
  /** A client whose unsent data exceeds this many bytes is dropped (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Host names (besides loopback and the bound address) requests may be addressed to (`--allow-host`). */
  allowedHosts?: readonly string[];
  /** Origins (besides the server's own) whose pages may open the websocket (`--allow-origin`). */
  allowedOrigins?: readonly string[];
  /** Most websocket viewers at once; more are refused with 503 (default {@link DEFAULT_MAX_VIEWERS}). */
  maxViewers?: number;
}

/** Default of {@link LiveServerOptions.maxViewers}. */
export const DEFAULT_MAX_VIEWERS = 128;

/** A running live server: a {@link Reporter} to subscribe to the run's events, plus its address. */
export interface LiveServer extends Reporter {
  /** The viewer's URL, with `?token=` when one is required. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The token clients must send, when one is required. */
  readonly token?: string;
  /** Connected websocket clients. */
  clientCount(): number;
  /** Replaces the state (for a watched run) and sends every client a fresh snapshot. */
  replaceResults(results: RunResults): void;
  /** Stops serving: drops every client and closes the port. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const headersFor = securityHeadersFor(VIEWER_PAGE);

/** Sends `body` with `status` and `type`, no caching, with the security headers. */
function respond(response: ServerResponse, status: number, type: string, body: string, host: string | undefined): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headersFor(host) });
  response.end(body);
}

/**
 * Serves the live viewer at `/`, the accuracy chart at `/chart.svg` and the run's events at the websocket `/ws`
 * (same port). A client first gets a {@link LiveSnapshotMessage}, then every event as JSON, in order, and after
 * `run-end` one `{ type: 'chart', svg }` message with the final chart (the server closes with the run). Sends never
 * block the run: a client whose send buffer exceeds `maxBufferedBytes` is terminated. Client messages are
 * ignored. When a token is required, requests without the right `?token=` get 401 (HTTP) or are refused at the
 * websocket upgrade. Every request must be addressed (`Host`) to a loopback name, the bound address or an allowed
 * name (403 otherwise: DNS rebinding), a websocket upgrade from a browser must come from the server's own origin
 * or an allowed one (403), at most `maxViewers` websockets are open at once (503), and every response carries a
 * Content-Security-Policy and `X-Frame-Options: DENY`. An empty token is refused.
 */
export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw inputError('ADVBENCH_ERR_LIVE_PORT', `live server port must be an integer 0..65535, got ${String(options.port)}`, { details: { port: options.port } });
  }
  if (options.token !== undefined && options.token.trim() === '') {
    throw inputError('ADVBENCH_ERR_LIVE_TOKEN', '--token must not be empty (omit it for a random token)', { details: { flag: '--token' } });
  }
  const maxViewers = options.maxViewers ?? DEFAULT_MAX_VIEWERS;
  if (!Number.isInteger(maxViewers) || maxViewers < 1) {
    throw inputError('ADVBENCH_ERR_LIVE_VIEWERS', `--max-viewers must be a positive integer, got ${String(maxViewers)}`, { details: { flag: '--max-viewers' } });
  }
  const guard = createRequestGuard({ boundHost: host, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
  const requireToken = options.requireToken ?? !isLoopbackHost(host);
  const token = requireToken ? (options.token ?? generateToken()) : undefined;
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const mirror = new RunStateMirror(await options.snapshot());

  const authorized = (request: IncomingMessage): boolean => {
    if (token === undefined) return true;
    const url = new URL(request.url ?? '/', 'http://localhost');
    return tokenMatches(url.searchParams.get('token'), token);
  };
  const snapshotMessage = (): string =>
    JSON.stringify({
      type: 'snapshot',
      sequence: mirror.lastSequence,
      results: mirror.results,
      training: Object.fromEntries(mirror.training),
      currentCell: mirror.currentCell,
    } satisfies LiveSnapshotMessage);

  const currentChart = (): string => {
    const results = mirror.results;
    return results === undefined ? '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>' : renderAccuracyChart(results, summarizeRun(results));
  };

  const http = createServer((request, response) => {
    const hostProblem = guard.hostProblem(request);
    const host = hostProblem === undefined ? request.headers.host : undefined;
    const send = (status: number, type: string, body: string) => respond(response, status, type, body, host);
    if (hostProblem !== undefined) return send(403, 'text/plain; charset=utf-8', `${hostProblem}\n`);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (!authorized(request)) return send(401, 'text/plain; charset=utf-8', 'this server requires ?token=<token> (printed when it started)\n');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', VIEWER_PAGE);
    if (path === '/chart.svg') return send(200, 'image/svg+xml; charset=utf-8', currentChart());
    if (path === '/snapshot.json') return send(200, 'application/json; charset=utf-8', snapshotMessage());
    return send(404, 'text/plain; charset=utf-8', 'not found\n');
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let upgrading = 0;
  const refuse = (socket: Duplex, status: string, reason: string) => socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${reason}\n`);
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const problem = guard.hostProblem(request) ?? guard.originProblem(request);
    if (problem !== undefined) return refuse(socket, '403 Forbidden', problem);
    if (path !== '/ws') return refuse(socket, '404 Not Found', 'not found');
    if (!authorized(request)) return refuse(socket, '401 Unauthorized', 'this server requires ?token=<token>');
    if (sockets.clients.size + upgrading >= maxViewers) return refuse(socket, '503 Service Unavailable', `too many live viewers (at most ${maxViewers}; raise --max-viewers)`);
    upgrading += 1;
    sockets.handleUpgrade(request, socket, head, (client) => {
      upgrading -= 1;
      client.on('message', () => {
        // Clients have nothing to say: every message, well-formed or not, is ignored.
      });
      client.on('error', () => client.terminate());
      client.send(snapshotMessage());
    });
  });
  http.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? inputError('ADVBENCH_ERR_LIVE_LISTEN', `cannot listen on ${host}:${options.port}: ${error.code}`, { cause: error, details: { host, port: options.port } })
          : error,
      ),
    );
    http.listen(options.port, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}/${token === undefined ? '' : `?token=${token}`}`;

  const broadcast = (message: string): void => {
    for (const client of sockets.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (client.bufferedAmount > maxBuffered) {
        client.terminate();
        continue;
      }
      client.send(message);
    }
  };

  return {
    url,
    port,
    token,
    clientCount: () => sockets.clients.size,
    onEvent(event: RunEvent): void {
      mirror.apply(event);
      if (sockets.clients.size === 0) return;
      broadcast(JSON.stringify(event));
      // The server closes with the run: push the final chart down the socket rather than have viewers fetch it.
      if (event.type === 'run-end') broadcast(JSON.stringify({ type: 'chart', svg: currentChart() }));
    },
    replaceResults(results: RunResults): void {
      mirror.results = structuredClone(results);
      if (sockets.clients.size > 0) broadcast(snapshotMessage());
    },
    async close(): Promise<void> {
      // Close politely so queued events (run-end) still arrive; whoever does not answer within a second is cut off.
      const closing = [...sockets.clients].map((client) => new Promise<void>((resolve) => {
        if (client.readyState === WebSocket.CLOSED) return resolve();
        client.once('close', () => resolve());
        client.close(1001, 'server closing');
      }));
      await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
