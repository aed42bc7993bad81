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
    await reporter.close!();
    await expect(readFile(join(out, 'report.html'), 'utf8')).rejects.toThrow();
    bus.emit({ type: 'cell-end', cell: results.cells[1] });
    await reporter.close!();
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('status-running');
    Object.assign(results, sampleRunResults());
    bus.emit({ type: 'run-end', status: 'completed', seconds: 1, out });
    await reporter.close!();
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('status-completed');
    expect(html.match(/class="leaderboard-row"/g)).toHaveLength(4);
    expect(await readdir(out)).toEqual(['report.html']);
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
