import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRecordingClient } from '../reports/src/live/live-test-client.js';
import { launchChromium, recordedPage } from '../reports/src/testing/headless-chromium.js';

const repository = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'advbench-live-smoke-'));
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('advbench run --preset smoke --live 0 (slow: a real smoke run)', () => {
  it('streams snapshot, every cell-end and run-end to a ws client, updates the viewer, and leaves an offline report.html', async () => {
    const out = join(root, 'run');
    const child = spawn(process.execPath, ['--import', 'tsx', join(repository, 'core/src/cli/main.ts'), 'run', '--preset', 'smoke', '--live', '0', '--out', out], {
      cwd: repository,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    let match: RegExpMatchArray | null = null;
    while ((match = output.match(/live viewer at (http:\/\/127\.0\.0\.1:(\d+)\/)/)) === null) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no live viewer URL printed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const [, url, port] = match;
    const client = await connectRecordingClient(`ws://127.0.0.1:${port}/ws`);
    const { page, requests, errors } = await recordedPage(browser);
    await page.goto(url);
    // The chart must be seen part-filled at some point and full at the end.
    const seen = new Set<number>();
    const watch = setInterval(() => {
      page
        .evaluate(() => document.querySelectorAll('#chart svg circle.series-point').length)
        .then((count) => seen.add(count))
        .catch(() => undefined);
    }, 100);
    await client.waitFor((messages) => messages.some((message) => message.type === 'run-end'), 300_000);
    await page.waitForFunction(() => document.getElementById('run-status')?.textContent === 'completed', undefined, { timeout: 10_000 }).catch(() => undefined);
    const finalPoints = await page.evaluate(() => document.querySelectorAll('#chart svg circle.series-point').length);
    clearInterval(watch);
    expect(await exit, output).toBe(0);

    const events = client.messages.filter((message) => message.type !== 'chart');
    expect(client.messages.at(-1)?.type, 'the final chart follows run-end').toBe('chart');
    const types = events.map((message) => message.type);
    expect(types[0]).toBe('snapshot');
    const start = client.messages.find((message) => message.type === 'run-start') as { results: { cells: Array<{ id: string }>; defenses: Array<{ name: string }> } } | undefined;
    const planned = start?.results ?? (events[0].results as { cells: Array<{ id: string }>; defenses: Array<{ name: string }> });
    const ended = new Set(client.messages.filter((message) => message.type === 'cell-end').map((message) => (message.cell as { id: string }).id));
    // Cells the run announced as dropped (attacks marked adaptiveOnly, once a defense turns out randomized) never end.
    const dropped = new Set(client.messages.filter((message) => message.type === 'cells-dropped').flatMap((message) => message.cellIds as string[]));
    expect(planned.cells.length).toBeGreaterThan(0);
    for (const cell of planned.cells) if (!dropped.has(cell.id)) expect(ended.has(cell.id), `cell-end for ${cell.id}`).toBe(true);
    expect([...dropped].every((id) => !ended.has(id)), 'a dropped cell never ends').toBe(true);
    expect(types[types.length - 1]).toBe('run-end');
    const sequences = events.slice(1).map((message) => message.sequence as number);
    expect([...sequences].sort((left, right) => left - right)).toEqual(sequences);

    expect(finalPoints).toBeGreaterThan(0);
    expect([...seen].some((count) => count > 0 && count < finalPoints), `chart point counts seen: ${[...seen].join(', ')}`).toBe(true);
    expect(requests.filter((request) => !request.startsWith(url) && !request.startsWith(`ws://127.0.0.1:${port}/`))).toEqual([]);
    expect(errors.filter((error) => !error.includes('WebSocket'))).toEqual([]);
    await page.context().close();

    const reportUrl = pathToFileURL(join(out, 'report.html')).href;
    const report = await recordedPage(browser);
    await report.page.goto(reportUrl);
    const rows = await report.page.locator('tr.leaderboard-row').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-defense')));
    expect([...rows].sort()).toEqual(planned.defenses.map((defense) => defense.name).sort());
    expect(await report.page.locator('#chart-accuracy g.series').count()).toBeGreaterThan(0);
    expect(await report.page.locator('#chart-worst-case g.series').count()).toBe(planned.defenses.length);
    await report.page.waitForTimeout(200);
    expect(report.requests).toEqual([reportUrl]);
    await report.page.context().close();
  }, 420_000);
});
