import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleRunResults } from '@advbench/reports';
import { serveRun } from '../core/src/cli/commands/serve-command.js';
import { writeResultsJson } from '../core/src/store/results-json.js';
import { connectRecordingClient } from '../reports/src/live/live-test-client.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('advbench serve', () => {
  it('serves a running run and pushes a fresh snapshot when its results change', async () => {
    const out = await mkdtemp(join(tmpdir(), 'advbench-serve-'));
    folders.push(out);
    await writeResultsJson(out, sampleRunResults({ finishedCells: 2 }));
    const served = await serveRun({ out, port: 0, pollMs: 100 });
    try {
      expect(served.server.url).toBe(`http://127.0.0.1:${served.server.port}/`);
      const client = await connectRecordingClient(`ws://127.0.0.1:${served.server.port}/ws`);
      await client.waitFor((messages) => messages.length === 1);
      const doneIn = (message: Record<string, unknown>) => (message.results as { cells: Array<{ status: string }> }).cells.filter((cell) => cell.status === 'done').length;
      expect(doneIn(client.messages[0])).toBe(2);
      const later = sampleRunResults({ finishedCells: 5 });
      later.updatedAt = '2026-11-24T12:11:00.000Z';
      await writeResultsJson(out, later);
      await client.waitFor((messages) => messages.length === 2, 5_000);
      expect(client.messages[1].type).toBe('snapshot');
      expect(doneIn(client.messages[1])).toBe(5);
      await writeResultsJson(out, sampleRunResults());
      await client.waitFor((messages) => messages.some((message) => (message.results as { status: string } | undefined)?.status === 'completed'), 5_000);
      client.socket.close();
    } finally {
      await served.close();
    }
  });

  it('serves a finished run with a token on request', async () => {
    const out = await mkdtemp(join(tmpdir(), 'advbench-serve-'));
    folders.push(out);
    await writeResultsJson(out, sampleRunResults());
    const served = await serveRun({ out, port: 0, host: '127.0.0.1', token: 'secret-token' });
    try {
      // Loopback needs no token even when one is given.
      expect(served.server.token).toBeUndefined();
      const client = await connectRecordingClient(`ws://127.0.0.1:${served.server.port}/ws`);
      await client.waitFor((messages) => messages.length === 1);
      expect((client.messages[0].results as { status: string }).status).toBe('completed');
      client.socket.close();
    } finally {
      await served.close();
    }
  });
});
