import { describe, expect, it } from 'vitest';
import { EventBus } from '@advbench/core';
import type { RunEvent } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { RunStateMirror } from './run-state-mirror.js';

describe('RunStateMirror', () => {
  it('rebuilds the results from run-start, cell-end, train-end and run-end events', () => {
    const finished = sampleRunResults();
    const planned = sampleRunResults({ finishedCells: 0 });
    planned.defenses.forEach((defense) => {
      defense.status = 'pending';
      defense.cost = undefined;
      defense.cleanAccuracy = undefined;
    });
    const bus = new EventBus('fixture-run');
    const mirror = new RunStateMirror();
    bus.subscribe((event: RunEvent) => mirror.apply(event));
    bus.emit({ type: 'run-start', results: planned, resumed: false });
    planned.cells[0].status = 'running';
    expect(mirror.results!.cells[0].status).toBe('pending');
    for (const defense of finished.defenses) {
      bus.emit({ type: 'train-start', defense: defense.name });
      bus.emit({ type: 'train-progress', defense: defense.name, phase: 'base', epoch: 1, epochs: 1, step: 1, steps: 1, loss: 0.5, examplesPerSecond: 100, etaSeconds: 0 });
      bus.emit({ type: 'train-end', defense: defense.name, cost: defense.cost! });
    }
    finished.cells.forEach((cell, index) => {
      bus.emit({ type: 'cell-start', cell: { ...cell, status: 'running', result: undefined, outcomes: undefined }, index: index + 1, total: finished.cells.length });
      bus.emit({ type: 'cell-progress', cellId: cell.id, examplesDone: 1, examples: 2, step: 1, steps: 2, restart: 1, restarts: 1, successRate: 0.5, loss: 1, etaSeconds: 1 });
      bus.emit({ type: 'cell-end', cell });
    });
    bus.emit({ type: 'run-end', status: 'completed', seconds: 3, out: '/tmp/x' });
    expect(mirror.results!.cells).toEqual(finished.cells);
    expect(mirror.results!.defenses.map((defense) => [defense.status, defense.cost, defense.cleanAccuracy])).toEqual(
      finished.defenses.map((defense) => [defense.status, defense.cost, defense.cleanAccuracy]),
    );
    expect(mirror.results!.status).toBe('completed');
    expect(mirror.training.get('inn-a')!.loss).toBe(0.5);
    expect(mirror.currentCell).toBeUndefined();
    expect(mirror.lastSequence).toBe(2 + 3 * finished.defenses.length + 3 * finished.cells.length);
  });

  it('marks a defense failed on an error event naming it', () => {
    const mirror = new RunStateMirror(sampleRunResults({ finishedCells: 0 }));
    mirror.results!.defenses[1].status = 'running';
    mirror.apply({ type: 'error', message: 'out of memory', code: 'ADVBENCH_ERR_X', defense: mirror.results!.defenses[1].name, sequence: 1, time: 't', runId: 'r' });
    expect(mirror.results!.defenses[1].status).toBe('failed');
    expect(mirror.results!.defenses[1].error).toContain('out of memory');
  });

  it('removes the cells a cells-dropped event names from the plan', () => {
    const mirror = new RunStateMirror(sampleRunResults({ finishedCells: 0 }));
    const [first, second, ...rest] = mirror.results!.cells;
    mirror.apply({ type: 'cells-dropped', defense: first.defense, cellIds: [first.id, second.id], reason: 'adaptive-only', sequence: 1, time: 't', runId: 'r' });
    expect(mirror.results!.cells.map((cell) => cell.id)).toEqual(rest.map((cell) => cell.id));
  });
});
