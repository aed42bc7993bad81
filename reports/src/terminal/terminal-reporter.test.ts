import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventBus } from '@advbench/core';
import { sampleRunResults, SAMPLE_FAILED_CELL_ID } from '../fixtures/sample-run-results.js';
import { summarizeRun } from '../analysis/summarize-run.js';
import { createTerminalReporter } from './terminal-reporter.js';
import { progressBar } from './progress-format.js';

/** A writable that keeps what it gets. */
function collector(): Writable & { text: string; columns: number } {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      stream.text += String(chunk);
      callback();
    },
  }) as Writable & { text: string; columns: number };
  stream.text = '';
  stream.columns = 200;
  return stream;
}

/** Emits a small run: training with progress, every cell with progress, run-end. */
async function playRun(tty: boolean): Promise<string> {
  const stream = collector();
  let clock = 0;
  const finished = sampleRunResults();
  const reporter = createTerminalReporter({ stream, isTTY: tty, now: () => clock, getResults: () => finished });
  const bus = new EventBus('fixture-run');
  bus.subscribe((event) => reporter.onEvent!(event));
  bus.emit({ type: 'run-start', results: sampleRunResults({ finishedCells: 0 }), resumed: false });
  for (const defense of finished.defenses) {
    bus.emit({ type: 'train-start', defense: defense.name });
    for (let step = 1; step <= 4; step += 1) {
      clock += 3_000;
      bus.emit({ type: 'train-progress', defense: defense.name, phase: 'base', epoch: 1, epochs: 1, step, steps: 4, loss: 1 / step, examplesPerSecond: 250, etaSeconds: 12 - step * 3 });
    }
    bus.emit({ type: 'train-end', defense: defense.name, cost: defense.cost! });
  }
  finished.cells.forEach((cell, index) => {
    bus.emit({ type: 'cell-start', cell: { ...cell, status: 'running' }, index: index + 1, total: finished.cells.length });
    clock += 11_000;
    bus.emit({ type: 'cell-progress', cellId: cell.id, examplesDone: 20, examples: 40, step: 5, steps: 10, restart: 1, restarts: 1, successRate: 0.25, loss: 2, etaSeconds: 4 });
    bus.emit({ type: 'cell-end', cell });
  });
  bus.emit({ type: 'run-end', status: 'completed', seconds: 125, out: '/tmp/run' });
  await reporter.close!();
  return stream.text;
}

describe('createTerminalReporter', () => {
  it('writes plain lines without escape codes when not a TTY, then the leaderboard table', async () => {
    const text = await playRun(false);
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('train inn-a base: epoch 1/1 step 4/4 loss 0.2500 250 ex/s ETA 0s');
    expect(text).toContain('cell 3/');
    expect(text).toMatch(/cell \d+\/\d+ inn-b · pgd · inn2 · ε=16\/255: FAILED: PGD step 3 produced NaN/);
    expect(text).toContain('success 25.0%');
    expect(text).toContain('advbench: run completed in 2m05s; results in /tmp/run');
    const table = text.slice(text.indexOf('┌'));
    const order = summarizeRun(sampleRunResults()).defenses.map((entry) => entry.defense.name);
    const positions = order.map((name) => table.indexOf(`│ ${name} `));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((left, right) => left - right)).toEqual(positions);
    expect(table).toContain('ε=8/255 ◆');
    expect(table).toContain('* incomplete: 1 cell(s) failed');
    expect(SAMPLE_FAILED_CELL_ID).toContain('inn-b');
  });

  it('redraws one progress region on a TTY', async () => {
    const text = await playRun(true);
    expect(text).toContain(`${progressBar(1)} train none base: epoch 1/1 step 4/4`);
    expect(text).toContain('\x1b[1F\x1b[0J');
    expect(text).toContain(`${progressBar(0.5)} cell `);
    expect(text.trimEnd().endsWith('cell(s) failed (see report.html).')).toBe(true);
  });

  it('draws bars that fill with the fraction', () => {
    expect(progressBar(0, 10)).toBe('[----------]   0%');
    expect(progressBar(0.5, 10)).toBe('[#####-----]  50%');
    expect(progressBar(2, 10)).toBe('[##########] 100%');
  });
});
