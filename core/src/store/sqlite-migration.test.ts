import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseDefense } from '../analysis/evaluate-checks.js';
import { openStore, RESULTS_DATABASE_FILE } from './result-store.js';
import { loadRunResults } from './results-json.js';
import { SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A results database as advbench wrote it before schema 2 (no checks, no best_known), with one finished run. */
function writeVersionOneDatabase(out: string): void {
  const database = new Database(join(out, RESULTS_DATABASE_FILE));
  database.exec(`
    CREATE TABLE run (id INTEGER PRIMARY KEY CHECK (id = 1), run_id TEXT NOT NULL, config_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, status TEXT NOT NULL, metadata_json TEXT NOT NULL);
    CREATE TABLE defenses (name TEXT PRIMARY KEY, position INTEGER NOT NULL, status TEXT NOT NULL, result_json TEXT NOT NULL);
    CREATE TABLE cells (id TEXT PRIMARY KEY, position INTEGER NOT NULL, defense TEXT NOT NULL, attack TEXT NOT NULL, surface TEXT NOT NULL, epsilon REAL NOT NULL, status TEXT NOT NULL, samples INTEGER, correct INTEGER, accuracy REAL, seconds REAL NOT NULL DEFAULT 0, finished_at TEXT, result_json TEXT NOT NULL);
    CREATE TABLE outcomes (cell_id TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE, example_index INTEGER NOT NULL, correct INTEGER NOT NULL CHECK (correct IN (0, 1)), PRIMARY KEY (cell_id, example_index)) WITHOUT ROWID;
    CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, type TEXT NOT NULL, cell_id TEXT, time TEXT NOT NULL, event_json TEXT NOT NULL);
    PRAGMA user_version = 1;`);
  const metadata = {
    schemaVersion: 1, runId: 'old', createdAt: 't', updatedAt: 't', status: 'completed', seed: 0,
    backend: { name: 'wasm', package: 'p', version: '1', threads: 1, gpu: false }, versions: { advbench: '0.1.0', tfjs: '4', node: 'v20', plugins: {} },
    configHash: 'h', config: {}, dataset: { name: 'tiny', inputShape: [1, 1, 1], classes: 2, classNames: ['a', 'b'], trainCount: 1, testCount: 4, checksumsVerified: false, contentHash: 'x' }, model: { name: 'tiny' },
  };
  database.prepare('INSERT INTO run VALUES (1, ?, ?, ?, ?, ?, ?)').run('old', 'h', 't', 't', 'completed', JSON.stringify(metadata));
  database.prepare('INSERT INTO defenses VALUES (?, 0, ?, ?)').run('none', 'done', JSON.stringify({ name: 'none', plugin: 'none', pluginVersion: '0.1.0', options: {}, description: {}, surfaces: ['full'], status: 'done' }));
  const cells = [
    { id: 'none|clean|full|0', attack: 'clean', attackPlugin: 'none', epsilon: 0, outcomes: [1, 1, 1, 0] },
    { id: 'none|pgd|full|0.1', attack: 'pgd', attackPlugin: 'pgd', epsilon: 0.1, outcomes: [1, 0, 0, 0] },
  ];
  cells.forEach((cell, position) => {
    const json = { id: cell.id, defense: 'none', attack: cell.attack, attackPlugin: cell.attackPlugin, surface: 'full', epsilon: cell.epsilon, status: 'done', seconds: 1, attackSettings: {}, seed: 1, projectionCorrections: 0 };
    database.prepare(`INSERT INTO cells (id, position, defense, attack, surface, epsilon, status, result_json) VALUES (?, ?, 'none', ?, 'full', ?, 'done', ?)`).run(cell.id, position, cell.attack, cell.epsilon, JSON.stringify(json));
    cell.outcomes.forEach((outcome, index) => database.prepare('INSERT INTO outcomes VALUES (?, ?, ?)').run(cell.id, index, outcome));
  });
  database.close();
}

describe('SQLite schema 2 (evaluation checks)', () => {
  it('keeps a version-1 database readable as it is, and migrates it on the next write', async () => {
    const out = mkdtempSync(join(tmpdir(), 'advbench-migration-'));
    folders.push(out);
    writeVersionOneDatabase(out);
    // Read-only (advbench report / serve on an old run): the results load, and checks are decided from the cells.
    const old = await loadRunResults(out);
    expect(old.cells.map((cell) => cell.outcomes)).toEqual([[1, 1, 1, 0], [1, 0, 0, 0]]);
    const decided = analyseDefense(old, old.defenses[0]);
    expect(decided.bestKnown).toEqual([{ epsilon: 0, accuracy: 0.75, samples: 4 }, { epsilon: 0.1, accuracy: 0.25, samples: 4 }]);
    expect(decided.checks.find((check) => check.id === 'attack-above-clean')?.verdict).toBe('pass');
    // A writer migrates: the new tables exist, the version is 2, and a defense's verdicts land in them.
    const store = openStore(out);
    store.saveDefense({ ...old.defenses[0], ...decided }, 0);
    expect(store.storedChecks().get('none')?.map((check) => check.id)).toEqual(decided.checks.map((check) => check.id));
    expect(store.results().cells).toHaveLength(2);
    store.close();
    const database = new Database(join(out, RESULTS_DATABASE_FILE), { readonly: true });
    expect(database.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(database.prepare('SELECT epsilon, accuracy, samples FROM best_known ORDER BY epsilon').all()).toEqual(decided.bestKnown);
    database.close();
  });
});
