import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { createHtmlReporter } from './html-reporter.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** The file's text once it exists (the reporter writes in the background). */
async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('createHtmlReporter', () => {
  it('writes report.html at run-end and every N cells, leaving no temporary files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'advbench-html-'));
    folders.push(out);
    const results = sampleRunResults({ finishedCells: 0 });
    const bus = new EventBus(results.runId);
    const reporter = createHtmlReporter({ out, getResults: async () => results, everyCells: 2 });
    bus.subscribe((event) => reporter.onEvent!(event));
    bus.emit({ type: 'run-start', results, resumed: false });
    bus.emit({ type: 'cell-end', cell: results.cells[0] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(readFile(join(out, 'report.html'), 'utf8')).rejects.toThrow();
    bus.emit({ type: 'cell-end', cell: results.cells[1] });
    expect(await waitForFile(join(out, 'report.html'))).toContain('status-running');
    Object.assign(results, sampleRunResults());
    bus.emit({ type: 'run-end', status: 'completed', seconds: 1, out });
    await reporter.close!();
    const first = await readFile(join(out, 'report.html'), 'utf8');
    // close() after run-end writes nothing more
    await rm(join(out, 'report.html'));
    await reporter.close!();
    expect(await readdir(out)).toEqual([]);
    expect(first).toContain('status-completed');
    expect(first.match(/class="leaderboard-row"/g)).toHaveLength(4);
  });

  it('reports a failed write without throwing into the run', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'advbench-html-'));
    folders.push(folder);
    await writeFile(join(folder, 'a-file'), 'x');
    const errors: unknown[] = [];
    const reporter = createHtmlReporter({ out: join(folder, 'a-file', 'out'), getResults: () => sampleRunResults(), onError: (error) => errors.push(error) });
    reporter.onEvent!({ type: 'run-end', status: 'completed', seconds: 1, out: '/proc', sequence: 1, time: 't', runId: 'r' });
    await reporter.close!();
    expect(errors).toHaveLength(1);
  });
});

describe('createHtmlReporter after a crash', () => {
  it('writes what finished when closed without run-end', async () => {
    const out = await mkdtemp(join(tmpdir(), 'advbench-html-'));
    folders.push(out);
    const reporter = createHtmlReporter({ out });
    const bus = new EventBus('fixture-run');
    bus.subscribe((event) => reporter.onEvent!(event));
    bus.emit({ type: 'run-start', results: sampleRunResults({ finishedCells: 0 }), resumed: false });
    bus.emit({ type: 'cell-end', cell: sampleRunResults().cells[0] });
    await reporter.close!();
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('1 done, 0 failed');
  });
});

describe('createHtmlReporter without getResults', () => {
  it('renders the results rebuilt from the events', async () => {
    const out = await mkdtemp(join(tmpdir(), 'advbench-html-'));
    folders.push(out);
    const finished = sampleRunResults();
    const reporter = createHtmlReporter({ out });
    const bus = new EventBus(finished.runId);
    bus.subscribe((event) => reporter.onEvent!(event));
    bus.emit({ type: 'run-start', results: sampleRunResults({ finishedCells: 0 }), resumed: false });
    for (const cell of finished.cells) bus.emit({ type: 'cell-end', cell });
    bus.emit({ type: 'run-end', status: 'failed', seconds: 1, out });
    await reporter.close!();
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('status-failed');
    expect(html).toContain('PGD step 3 produced NaN gradients');
    expect(html.match(/class="cell-row"/g)).toHaveLength(finished.cells.length);
  });
});
