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
}

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

/** Sends `body` with `status` and `type`, no caching. */
function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body);
}

/**
 * Serves the live viewer at `/`, the accuracy chart at `/chart.svg` and the run's events at the websocket `/ws`
 * (same port). A client first gets a {@link LiveSnapshotMessage}, then every event as JSON, in order, and after
 * `run-end` one `{ type: 'chart', svg }` message with the final chart (the server closes with the run). Sends never
 * block the run: a client whose send buffer exceeds `maxBufferedBytes` is terminated. Client messages are
 * ignored. When a token is required, requests without the right `?token=` get 401 (HTTP) or are refused at the
 * websocket upgrade.
 */
export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw inputError('ADVBENCH_ERR_LIVE_PORT', `live server port must be an integer 0..65535, got ${String(options.port)}`, { details: { port: options.port } });
  }
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
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    if (!authorized(request)) return respond(response, 401, 'text/plain; charset=utf-8', 'this server requires ?token=<token> (printed when it started)\n');
    if (path === '/' || path === '/index.html') return respond(response, 200, 'text/html; charset=utf-8', VIEWER_PAGE);
    if (path === '/chart.svg') return respond(response, 200, 'image/svg+xml; charset=utf-8', currentChart());
    if (path === '/snapshot.json') return respond(response, 200, 'application/json; charset=utf-8', snapshotMessage());
    return respond(response, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws' || !authorized(request)) {
      socket.end(path !== '/ws' ? 'HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n' : 'HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
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
