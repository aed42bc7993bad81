import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startLiveServer, type LiveServer } from '../reports/src/live/live-server.js';
import { sampleRunResults } from '../reports/src/fixtures/sample-run-results.js';

const servers: LiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Partial<Parameters<typeof startLiveServer>[0]> = {}): Promise<LiveServer> {
  const server = await startLiveServer({ port: 0, snapshot: () => sampleRunResults(), ...options });
  servers.push(server);
  return server;
}

/** A GET with the headers a hostile page (or a DNS-rebound one) would send. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a websocket; resolves with the first message, or the refusal's status code. */
function openSocket(port: number, headers: Record<string, string> = {}): Promise<{ message?: string; status?: number; socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('message', (data) => resolve({ message: String(data), socket }));
    socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode, socket }));
    socket.once('error', reject);
  });
}

describe('live server against hostile clients (fault injection)', () => {
  it('refuses a websocket from another origin, serving same-origin pages and non-browser clients', async () => {
    const server = await start();
    const evil = await openSocket(server.port, { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.message).toBeUndefined();
    const sameOrigin = await openSocket(server.port, { origin: `http://127.0.0.1:${server.port}` });
    expect(JSON.parse(sameOrigin.message!).type).toBe('snapshot');
    sameOrigin.socket.close();
    const tool = await openSocket(server.port);
    expect(JSON.parse(tool.message!).type).toBe('snapshot');
    tool.socket.close();
  });

  it('answers no request addressed to another host name (DNS rebinding), unless allowed', async () => {
    const server = await start({ allowedHosts: ['bench.internal'] });
    const rebound = await get(server.port, '/snapshot.json', { host: `evil.example:${server.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('snapshot');
    const rebindSocket = await openSocket(server.port, { host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}` });
    expect(rebindSocket.status).toBe(403);
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `bench.internal:${server.port}`]) {
      expect((await get(server.port, '/snapshot.json', { host })).status).toBe(200);
    }
  });

  it('sends CSP and frame-blocking headers with every response', async () => {
    const server = await start();
    for (const path of ['/', '/snapshot.json', '/missing']) {
      const response = await get(server.port, path);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(String(response.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(String(response.headers['content-security-policy'])).toMatch(/script-src 'sha256-/);
    }
  });

  it('refuses an empty token and caps the websocket viewers', async () => {
    await expect(startLiveServer({ port: 0, host: '127.0.0.1', token: '', snapshot: () => undefined })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--token must not be empty') });
    await expect(startLiveServer({ port: 0, host: '0.0.0.0', token: '  ', snapshot: () => undefined })).rejects.toMatchObject({ exitCode: 2 });
    const server = await start({ maxViewers: 3 });
    const viewers = await Promise.all([0, 1, 2].map(() => openSocket(server.port)));
    expect(viewers.every((viewer) => viewer.message !== undefined)).toBe(true);
    expect((await openSocket(server.port)).status).toBe(503);
    viewers[0].socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = await openSocket(server.port);
    expect(later.message).toBeDefined();
    later.socket.close();
    for (const viewer of viewers) viewer.socket.close();
  });
});
