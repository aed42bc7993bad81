import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, sampleRunResults, summarizeRun } from '@advbench/reports';
import { launchChromium, recordedPage } from '../reports/src/testing/headless-chromium.js';

let browser: Browser;
let folder: string;
beforeAll(async () => {
  browser = await launchChromium();
  folder = await mkdtemp(join(tmpdir(), 'advbench-report-browser-'));
});
afterAll(async () => {
  await browser?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('shows every defense in the leaderboard and the SVG charts, making no network request', async () => {
    const results = sampleRunResults({ imagenet: true });
    const path = join(folder, 'report.html');
    await writeFile(path, renderReport(results));
    const url = pathToFileURL(path).href;
    const { page, requests, errors } = await recordedPage(browser);
    await page.goto(url, { waitUntil: 'load' });
    const rows = await page.locator('tr.leaderboard-row').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-defense')));
    expect(rows).toEqual(summarizeRun(results).defenses.map((entry) => entry.defense.name));
    expect(await page.locator('#chart-accuracy g.series').count()).toBe(6);
    expect(await page.locator('#chart-worst-case g.series').count()).toBe(4);
    expect(await page.locator('#chart-worst-case g.reference').count()).toBe(2);
    expect(await page.locator('#chart-inn-comparison g.series').count()).toBe(4);
    expect(await page.locator('#chart-cost g.scatter-point').count()).toBe(4);
    const box = await page.locator('#chart-accuracy').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(200);
    expect(await page.locator('#failed-cells .failed-cell').count()).toBe(1);
    expect(await page.locator('#literature-note').textContent()).toContain('Balaji et al. 2019');
    await page.waitForTimeout(200);
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
