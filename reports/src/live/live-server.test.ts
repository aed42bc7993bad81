import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EventBus } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { connectRecordingClient, connectStalledClient } from './live-test-client.js';
import { startLiveServer, type LiveServer } from './live-server.js';
import { isLoopbackHost } from './live-token.js';

const servers: LiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Partial<Parameters<typeof startLiveServer>[0]> = {}): Promise<LiveServer> {
  const server = await startLiveServer({ port: 0, snapshot: () => sampleRunResults({ finishedCells: 0 }), ...options });
  servers.push(server);
  return server;
}

function get(url: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, type: String(response.headers['content-type']) }));
    })
      .on('error', reject)
      .end();
  });
}

const wsUrl = (server: LiveServer, suffix = ''): string => `ws://127.0.0.1:${server.port}/ws${suffix}`;

describe('startLiveServer', () => {
  it('sends a late client the snapshot so far, then the events in order', async () => {
    const server = await start();
    const finished = sampleRunResults();
    const bus = new EventBus('fixture-run');
    bus.subscribe((event) => server.onEvent!(event));
    bus.emit({ type: 'run-start', results: sampleRunResults({ finishedCells: 0 }), resumed: false });
    for (const cell of finished.cells.slice(0, 3)) bus.emit({ type: 'cell-end', cell });
    const client = await connectRecordingClient(wsUrl(server));
    for (const cell of finished.cells.slice(3, 6)) bus.emit({ type: 'cell-end', cell });
    bus.emit({ type: 'run-end', status: 'completed', seconds: 1, out: '/tmp' });
    await client.waitFor((messages) => messages.some((message) => message.type === 'chart'));
    const [snapshot, ...events] = client.messages;
    expect(events.pop()).toMatchObject({ type: 'chart', svg: expect.stringContaining('<svg') });
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.sequence).toBe(4);
    const snapshotResults = snapshot.results as ReturnType<typeof sampleRunResults>;
    expect(snapshotResults.cells.slice(0, 3)).toEqual(finished.cells.slice(0, 3));
    expect(snapshotResults.cells[3].status).toBe('pending');
    expect(events.map((event) => event.type)).toEqual(['cell-end', 'cell-end', 'cell-end', 'run-end']);
    expect(events.map((event) => event.sequence)).toEqual([5, 6, 7, 8]);
    client.socket.close();
  });

  it('serves 50 concurrent clients the same stream', async () => {
    const server = await start();
    const clients = await Promise.all(Array.from({ length: 50 }, () => connectRecordingClient(wsUrl(server))));
    expect(server.clientCount()).toBe(50);
    const bus = new EventBus('fixture-run');
    bus.subscribe((event) => server.onEvent!(event));
    const cells = sampleRunResults().cells;
    for (const cell of cells) bus.emit({ type: 'cell-end', cell });
    await Promise.all(clients.map((client) => client.waitFor((messages) => messages.length === 1 + cells.length)));
    for (const client of clients) {
      expect(client.messages[0].type).toBe('snapshot');
      expect(client.messages.slice(1).map((message) => message.sequence)).toEqual(cells.map((_, index) => index + 1));
      client.socket.close();
    }
  });

  it('drops a client that never reads, without slowing emit', async () => {
    const server = await start({ maxBufferedBytes: 256 * 1024 });
    const stalled = await connectStalledClient(server.port, '/ws');
    expect(server.clientCount()).toBe(1);
    const bus = new EventBus('fixture-run');
    bus.subscribe((event) => server.onEvent!(event));
    const padding = 'x'.repeat(32 * 1024);
    const count = 800;
    let elapsed = 0;
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      bus.emit({ type: 'error', message: padding, code: 'ADVBENCH_TEST_PADDING' });
      elapsed += performance.now() - started;
      // The run does other work between events; this gives the server's sockets a chance to flush.
      if (index % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
    }
    // 800 events x 32 KiB = 25 MiB: had the server waited for the stalled client, emit would block or buffer it all.
    expect(elapsed).toBeLessThan(2_000);
    console.log(`emit time for ${count} events of 32 KiB with a stalled client: ${elapsed.toFixed(0)} ms`);
    const deadline = Date.now() + 5_000;
    while (server.clientCount() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.clientCount()).toBe(0);
    stalled.destroy();
    // The server still serves new clients normally.
    const reader = await connectRecordingClient(wsUrl(server));
    bus.emit({ type: 'run-end', status: 'completed', seconds: 1, out: '/tmp' });
    await reader.waitFor((messages) => messages.length === 3);
    expect(reader.messages.map((message) => message.type)).toEqual(['snapshot', 'run-end', 'chart']);
    expect(reader.messages[0].sequence).toBe(count);
    reader.socket.close();
  });

  it('ignores malformed client messages', async () => {
    const server = await start();
    const client = await connectRecordingClient(wsUrl(server));
    client.socket.send('{not json');
    client.socket.send(Buffer.from([0xff, 0x00, 0x13]));
    client.socket.send(JSON.stringify({ type: 'run-end', status: 'failed' }));
    client.socket.send('');
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.onEvent!({ type: 'error', message: 'still here', code: 'X', sequence: 1, time: 't', runId: 'r' });
    await client.waitFor((messages) => messages.length === 2);
    expect(client.messages[1].message).toBe('still here');
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close();
  });

  it('requires the token when asked: 401 on HTTP, refused upgrade, and works with it', async () => {
    const server = await start({ requireToken: true });
    expect(server.token).toMatch(/^[0-9a-f]{32}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect((await get(`http://127.0.0.1:${server.port}/`)).status).toBe(401);
    expect((await get(`http://127.0.0.1:${server.port}/chart.svg?token=wrong`)).status).toBe(401);
    await expect(connectRecordingClient(wsUrl(server, '?token=wrong'))).rejects.toThrow(/401/);
    await expect(connectRecordingClient(wsUrl(server))).rejects.toThrow(/401/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script>');
    const client = await connectRecordingClient(wsUrl(server, `?token=${server.token}`));
    await client.waitFor((messages) => messages.length === 1);
    client.socket.close();
  });

  it('needs no token on loopback, and a token on other addresses by default', async () => {
    const server = await start({ host: '127.0.0.1' });
    expect(server.token).toBeUndefined();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(isLoopbackHost('127.0.0.2')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.4')).toBe(false);
    const chart = await get(`http://127.0.0.1:${server.port}/chart.svg`);
    expect(chart.type).toContain('image/svg+xml');
    expect(chart.body).toContain('data-series="none|pgd|full"');
    expect((await get(`http://127.0.0.1:${server.port}/nothing`)).status).toBe(404);
    await expect(startLiveServer({ port: 70000, snapshot: () => sampleRunResults() })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_LIVE_PORT', exitCode: 2 });
    await expect(startLiveServer({ port: server.port, snapshot: () => sampleRunResults() })).rejects.toMatchObject({ code: 'ADVBENCH_ERR_LIVE_LISTEN' });
  });
});
