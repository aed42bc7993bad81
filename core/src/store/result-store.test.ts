import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CellEndEvent, RunEvent } from '../events/event-types.js';
import { openStore } from './result-store.js';
import { loadRunResults, writeResultsJson } from './results-json.js';
import type { CellResult, RunResults } from './result-types.js';
import { estimateAccuracy } from '../training/accuracy.js';
import { SQLITE_SCHEMA } from './sqlite-schema.js';

const folders: string[] = [];
function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-store-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function cell(id: string, overrides: Partial<CellResult> = {}): CellResult {
  const [defense, attack, surface, epsilon] = id.split('|');
  return { id, defense, attack, attackPlugin: attack === 'clean' ? 'none' : attack, surface, epsilon: Number(epsilon), status: 'pending', seconds: 0, attackSettings: {}, seed: 7, projectionCorrections: 0, ...overrides };
}

function plan(): RunResults {
  return {
    schemaVersion: 1,
    runId: 'run-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status: 'running',
    seed: 1,
    backend: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', threads: 1, simd: true, gpu: false },
    versions: { advbench: '0.1.0', tfjs: '4.22.0', node: process.version, plugins: {} },
    configHash: 'hash-a',
    config: { seed: 1 },
    dataset: { name: 'tiny', inputShape: [4, 4, 1], classes: 2, classNames: ['a', 'b'], trainCount: 8, testCount: 3, checksumsVerified: false, contentHash: 'x' },
    model: { name: 'tiny' },
    defenses: [{ name: 'none', plugin: 'none', pluginVersion: '0.1.0', options: {}, description: {}, surfaces: ['full'], status: 'pending' }],
    cells: [cell('none|clean|full|0'), cell('none|pgd|full|0.1')],
  };
}

function endEvent(done: CellResult, runId: string | null = 'run-1'): RunEvent {
  return { type: 'cell-end', cell: done, sequence: 1, time: new Date().toISOString(), runId } as CellEndEvent;
}

describe('ResultStore', () => {
  it('stores fractional outcomes (a randomized defense judged over draws) in results.sqlite and results.json', async () => {
    const out = temporaryFolder();
    // A database of schema 1 (0/1 outcomes only) is upgraded in place, keeping what it holds.
    const old = new Database(join(out, 'results.sqlite'));
    old.exec(SQLITE_SCHEMA.replace('correct REAL NOT NULL CHECK (correct >= 0 AND correct <= 1)', 'correct INTEGER NOT NULL CHECK (correct IN (0, 1))'));
    old.pragma('user_version = 1');
    old.close();
    const store = openStore(out);
    store.begin(plan());
    const done = cell('none|clean|full|0', { status: 'done', result: estimateAccuracy(1.625, 3), outcomes: [1, 0.625, 0] });
    store.saveCell(done, endEvent(done));
    const results = store.results();
    expect(results.cells[0].outcomes).toEqual([1, 0.625, 0]);
    expect(results.cells[0].result?.correct).toBe(1.625);
    await writeResultsJson(out, results);
    store.close();
    expect((await loadRunResults(out)).cells[0].outcomes).toEqual([1, 0.625, 0]);
  });

  it('round-trips a run with per-example outcomes and counts completions from events', async () => {
    const out = temporaryFolder();
    const store = openStore(out);
    store.begin(plan());
    const done = cell('none|clean|full|0', { status: 'done', result: estimateAccuracy(2, 3), outcomes: [1, 0, 1], seconds: 0.5 });
    store.saveCell(done, endEvent(done));
    expect(store.header()).toMatchObject({ runId: 'run-1', configHash: 'hash-a', status: 'running' });
    const results = store.results();
    expect(results.cells.map((c) => c.status)).toEqual(['done', 'pending']);
    expect(results.cells[0].outcomes).toEqual([1, 0, 1]);
    expect(results.cells[1].outcomes).toBeUndefined();
    expect([...store.finishedCells().keys()]).toEqual(['none|clean|full|0']);
    expect(store.completionCounts().get('none|clean|full|0')).toBe(1);
    store.close();

    await writeResultsJson(out, results);
    const loaded = await loadRunResults(out);
    expect(loaded.cells[0].result?.correct).toBe(2);
  });

  it('keeps finished cells and resets running ones when a run begins again', () => {
    const out = temporaryFolder();
    const first = openStore(out);
    first.begin(plan());
    const done = cell('none|clean|full|0', { status: 'done', result: estimateAccuracy(1, 1), outcomes: [1] });
    first.saveCell(done, endEvent(done));
    first.saveCell(cell('none|pgd|full|0.1', { status: 'running' }));
    first.close();

    const second = openStore(out);
    second.begin(plan());
    expect(second.results().cells.map((c) => c.status)).toEqual(['done', 'pending']);
    second.close();
  });

  it('writes a cell, its outcomes and its event in one transaction (all or nothing)', () => {
    const out = temporaryFolder();
    const store = openStore(out);
    store.begin(plan());
    const done = cell('none|clean|full|0', { status: 'done', result: estimateAccuracy(3, 3), outcomes: [1, 1, 1] });
    // A null run id violates the events table's NOT NULL constraint after the cell row and outcomes were written.
    expect(() => store.saveCell(done, endEvent(done, null))).toThrow(/NOT NULL/);
    const results = store.results();
    expect(results.cells[0].status).toBe('pending');
    expect(store.finishedCells().size).toBe(0);
    expect(store.completionCounts().size).toBe(0);
    expect(() => store.saveCell(cell('none|other|full|0.2', { status: 'done' }))).toThrow(/not in the store/);
    store.close();
  });

  it('refuses a folder without results, naming it', async () => {
    const out = temporaryFolder();
    await expect(loadRunResults(out)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_RESULTS_MISSING' });
  });
});

describe('loadRunResults', () => {
  it('reads a live run without writing and refuses a database that is not one of ours', async () => {
    const out = temporaryFolder();
    const writer = openStore(out);
    writer.begin(plan());
    const loaded = await loadRunResults(out);
    expect(loaded.cells).toHaveLength(2);
    writer.close();
    const { writeFileSync } = await import('node:fs');
    const other = temporaryFolder();
    writeFileSync(join(other, 'results.sqlite'), 'not a database');
    await expect(loadRunResults(other)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_RESULTS_DATABASE' });
  });
});
