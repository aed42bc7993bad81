import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';

/** A websocket client that records every message it gets, for tests of the live server. */
export interface RecordingClient {
  /** The socket. */
  socket: WebSocket;
  /** Parsed messages, in arrival order. */
  messages: Array<Record<string, unknown>>;
  /** Resolves once `predicate` holds for the messages (rejects after `timeoutMs`). */
  waitFor(predicate: (messages: Array<Record<string, unknown>>) => boolean, timeoutMs?: number): Promise<void>;
}

/** Connects to `url` (ws://...) and records messages; resolves once the connection is open. */
export async function connectRecordingClient(url: string): Promise<RecordingClient> {
  const socket = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const waiter of waiters) waiter();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`unexpected response ${response.statusCode}`)));
  });
  return {
    socket,
    messages,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (predicate(messages)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms with ${messages.length} messages`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Opens a raw TCP connection, performs the websocket upgrade on `path`, then never reads again. */
export async function connectStalledClient(port: number, path: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return socket;
}
