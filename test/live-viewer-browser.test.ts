import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '@advbench/core';
import { sampleRunResults, startLiveServer, type LiveServer } from '@advbench/reports';
import { launchChromium, recordedPage } from '../reports/src/testing/headless-chromium.js';

let browser: Browser;
let server: LiveServer | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await server?.close();
  await browser?.close();
});

describe('live viewer in headless Chromium', () => {
  it('shows training progress and the accuracy chart filling in as cells finish, with no request off the server', async () => {
    server = await startLiveServer({ port: 0, snapshot: () => undefined });
    const bus = new EventBus('fixture-run');
    bus.subscribe((event) => server!.onEvent!(event));
    const finished = sampleRunResults();
    const planned = sampleRunResults({ finishedCells: 0 });
    planned.defenses.forEach((defense) => Object.assign(defense, { status: 'pending', cost: undefined, cleanAccuracy: undefined }));
    bus.emit({ type: 'run-start', results: planned, resumed: false });
    bus.emit({ type: 'train-start', defense: 'none' });
    bus.emit({ type: 'train-progress', defense: 'none', phase: 'base', epoch: 1, epochs: 2, step: 3, steps: 4, loss: 0.75, examplesPerSecond: 321, etaSeconds: 9 });

    const { page, requests, errors } = await recordedPage(browser);
    await page.goto(server.url);
    await page.waitForSelector('#connection.connected');
    await page.waitForSelector('tr.training-row[data-defense="none"]');
    expect(await page.locator('tr.training-row[data-defense="none"]').textContent()).toContain('epoch 1/2 step 3/4');
    await page.waitForSelector('#chart svg g.series', { state: 'attached' });
    const points = () => page.locator('#chart svg circle.series-point').count();
    expect(await points()).toBe(0);

    const half = Math.floor(finished.cells.length / 2);
    for (const cell of finished.cells.slice(0, half)) bus.emit({ type: 'cell-end', cell });
    await page.waitForFunction((count) => document.querySelectorAll('#chart svg circle.series-point').length >= count, 4, { timeout: 10_000 });
    const firstCount = await points();
    expect(await page.locator('#cells-done').textContent()).toBe(String(finished.cells.slice(0, half).filter((cell) => cell.status === 'done').length));

    // A check decided mid-run: the flag shows at once, with its reason.
    bus.emit({ type: 'defense-checks', defense: 'none', checks: [{ id: 'zero-gradient', verdict: 'flag', detail: 'exactly zero input gradient for 40 of 40 examples' }, { id: 'probability-output', verdict: 'pass', detail: 'ok' }], bestKnown: [] });
    await page.waitForSelector('tr.checks-row[data-defense="none"][data-flags="1"]');
    expect(await page.locator('tr.checks-row[data-defense="none"]').textContent()).toContain('evaluation potentially unreliable');
    expect(await page.locator('tr.checks-row[data-defense="none"] li.check-flag[data-check="zero-gradient"]').textContent()).toContain('exactly zero input gradient');

    bus.emit({ type: 'cell-progress', cellId: finished.cells[half].id, examplesDone: 10, examples: 40, step: 2, steps: 3, restart: 1, restarts: 1, successRate: 0.4, loss: 1, etaSeconds: 3 });
    await page.waitForFunction(() => document.getElementById('current-cell')!.textContent!.includes('success 40.0%'));
    for (const cell of finished.cells.slice(half)) bus.emit({ type: 'cell-end', cell });
    bus.emit({ type: 'run-end', status: 'failed', seconds: 10, out: '/tmp' });
    await page.waitForFunction((count) => document.querySelectorAll('#chart svg circle.series-point').length > count, firstCount, { timeout: 10_000 });
    await page.waitForFunction(() => document.getElementById('run-status')!.textContent === 'failed');
    expect(await points()).toBeGreaterThan(firstCount);
    expect(await page.locator('#chart svg g.series').count()).toBe(6);
    expect(await page.locator('#failures li').first().textContent()).toContain('PGD step 3 produced NaN');

    const origin = `http://127.0.0.1:${server.port}/`;
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith(`ws://127.0.0.1:${server!.port}/`))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
