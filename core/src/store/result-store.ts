import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../events/event-types.js';
import { inputError } from '../plugin-api/errors.js';
import type { CellResult, DefenseResult, RunResults } from './result-types.js';
import { migrateSchema, SQLITE_MIGRATE_1_TO_2, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';

/** File name of the results database inside a run's out folder. */
export const RESULTS_DATABASE_FILE = 'results.sqlite';

/** The identity of a run already in a store. */
export interface StoredRunHeader {
  /** Run id. */
  runId: string;
  /** Config hash the run was started with. */
  configHash: string;
  /** Last status written. */
  status: RunResults['status'];
  /** ISO time the run was first started. */
  createdAt: string;
}

/** The spec a run was started with, recorded when its database was created (before any other work). */
export interface RecordedRunSpec {
  /** Run id. */
  runId: string;
  /** Config hash of the spec. */
  configHash: string;
  /** ISO time the run was first started. */
  createdAt: string;
  /** The resolved run spec (the `config` of the results). */
  spec: Record<string, unknown>;
}

type RunMetadata = Omit<RunResults, 'defenses' | 'cells'>;

interface CellRow {
  id: string;
  result_json: string;
  status: string;
}

/**
 * The results database of one out folder (`<out>/results.sqlite`), the source of truth of a run. Only the runner
 * writes it. Each finished cell is written in one transaction together with its per-example outcomes and its
 * `cell-end` event, so a run killed at any point leaves every cell either wholly done or not done.
 */
export class ResultStore {
  private readonly database: Database.Database;

  /**
   * @param out - the run's out folder (created when missing, unless read-only)
   * @param options - `readOnly`: open an existing database without writing to it (for readers of a live run);
   *   `create`: the spec to record when the database does not exist yet: the file is then built under a
   *   temporary name with the schema and this spec in one transaction, and renamed into place, so a
   *   `results.sqlite` without its run's spec never exists (a run killed at any point can be resumed)
   */
  constructor(
    readonly out: string,
    options: { readOnly?: boolean; create?: RecordedRunSpec } = {},
  ) {
    const path = join(out, RESULTS_DATABASE_FILE);
    if (options.readOnly) {
      this.database = openReadOnly(path);
      return;
    }
    mkdirSync(out, { recursive: true });
    if (options.create && !existsSync(path)) createWithSpec(path, options.create);
    this.database = new Database(path);
    try {
      const check = this.database.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(String(check));
      this.database.pragma('journal_mode = WAL');
      this.database.pragma('synchronous = NORMAL');
      this.database.pragma('foreign_keys = ON');
      this.database.pragma('busy_timeout = 5000');
      if (this.database.pragma('user_version', { simple: true }) === 1) this.database.transaction(() => this.database.exec(SQLITE_MIGRATE_1_TO_2))();
      this.database.exec(SQLITE_SCHEMA);
      migrateSchema(this.database);
      this.database.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    } catch (cause) {
      this.database.close();
      throw inputError('ADVBENCH_ERR_RESULTS_DATABASE', `${path} is not a readable advbench results database (${(cause as Error).message}); move it away, or choose another --out`, {
        cause,
        details: { path },
      });
    }
  }

  /**
   * The spec this folder's run was started with: the one recorded when the database was created, else (a
   * database written by an older advbench) the `config` of its run row; undefined when neither is there.
   */
  recordedSpec(): RecordedRunSpec | undefined {
    const hasSpecTable = this.database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_spec'`).get() !== undefined;
    const row = (hasSpecTable ? this.database.prepare('SELECT run_id, config_hash, created_at, spec_json FROM run_spec WHERE id = 1').get() : undefined) as
      | { run_id: string; config_hash: string; created_at: string; spec_json: string }
      | undefined;
    if (row) return { runId: row.run_id, configHash: row.config_hash, createdAt: row.created_at, spec: JSON.parse(row.spec_json) as Record<string, unknown> };
    const run = this.database.prepare('SELECT run_id, config_hash, created_at, metadata_json FROM run WHERE id = 1').get() as
      | { run_id: string; config_hash: string; created_at: string; metadata_json: string }
      | undefined;
    if (!run) return undefined;
    return { runId: run.run_id, configHash: run.config_hash, createdAt: run.created_at, spec: (JSON.parse(run.metadata_json) as RunMetadata).config };
  }

  /** The run already stored here, if any. */
  header(): StoredRunHeader | undefined {
    const row = this.database.prepare('SELECT run_id, config_hash, status, created_at FROM run WHERE id = 1').get() as
      | { run_id: string; config_hash: string; status: RunResults['status']; created_at: string }
      | undefined;
    return row && { runId: row.run_id, configHash: row.config_hash, status: row.status, createdAt: row.created_at };
  }

  /**
   * Records the start (or resumption) of a run in one transaction: the run's metadata, every defense entry, and
   * every planned cell that is not stored yet. Cells left `running` by a killed process go back to `pending`;
   * cells already done keep their results.
   */
  begin(results: RunResults): void {
    const transaction = this.database.transaction(() => {
      this.writeMetadata(results);
      results.defenses.forEach((defense, position) => this.writeDefense(defense, position));
      const insert = this.database.prepare(
        `INSERT INTO cells (id, position, defense, attack, surface, epsilon, status, seconds, result_json)
         VALUES (@id, @position, @defense, @attack, @surface, @epsilon, @status, @seconds, @json)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position`,
      );
      results.cells.forEach((cell, position) => {
        insert.run({ ...this.cellColumns(cell), position, json: JSON.stringify(stripOutcomes(cell)) });
      });
      this.database.prepare(`UPDATE cells SET status = 'pending', result_json = json_set(result_json, '$.status', 'pending') WHERE status = 'running'`).run();
    });
    transaction();
  }

  /** Removes planned cells that are no longer part of the plan (their outcomes go with them). */
  dropCells(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const remove = this.database.prepare('DELETE FROM cells WHERE id = ?');
    this.database.transaction(() => ids.forEach((id) => remove.run(id)))();
  }

  /** Updates the run's metadata (status, times, backend...) without touching defenses or cells. */
  updateRun(results: RunResults): void {
    this.writeMetadata(results);
  }

  /** Writes one defense entry (its position in the run is kept), with its check verdicts and best-known accuracy. */
  saveDefense(defense: DefenseResult, position: number): void {
    this.database.transaction(() => this.writeDefense(defense, position))();
  }

  /** The stored check verdicts per defense, from the `checks` table, in check order. */
  storedChecks(): Map<string, Array<{ id: string; verdict: string; detail: string }>> {
    const rows = this.database.prepare('SELECT defense, check_id, verdict, detail FROM checks ORDER BY defense, position').all() as Array<{ defense: string; check_id: string; verdict: string; detail: string }>;
    const byDefense = new Map<string, Array<{ id: string; verdict: string; detail: string }>>();
    for (const row of rows) byDefense.set(row.defense, [...(byDefense.get(row.defense) ?? []), { id: row.check_id, verdict: row.verdict, detail: row.detail }]);
    return byDefense;
  }

  /**
   * Writes a cell in one transaction: its row, its per-example outcomes (replacing any earlier ones) and,
   * when given, the event that announces it (the `cell-end` event), so the three are never out of step.
   */
  saveCell(cell: CellResult, event?: RunEvent): void {
    const transaction = this.database.transaction(() => {
      const columns = this.cellColumns(cell);
      const changed = this.database
        .prepare(
          `UPDATE cells SET status = @status, samples = @samples, correct = @correct, accuracy = @accuracy,
             seconds = @seconds, finished_at = @finishedAt, result_json = @json WHERE id = @id`,
        )
        .run({
          ...columns,
          samples: cell.result?.samples ?? null,
          correct: cell.result?.correct ?? null,
          accuracy: cell.result?.accuracy ?? null,
          finishedAt: cell.status === 'done' || cell.status === 'failed' ? new Date().toISOString() : null,
          json: JSON.stringify(stripOutcomes(cell)),
        });
      if (changed.changes !== 1) throw new Error(`cell ${cell.id} is not in the store (call begin with the plan first)`);
      this.database.prepare('DELETE FROM outcomes WHERE cell_id = ?').run(cell.id);
      if (cell.outcomes) {
        const insert = this.database.prepare('INSERT INTO outcomes (cell_id, example_index, correct) VALUES (?, ?, ?)');
        cell.outcomes.forEach((outcome, index) => insert.run(cell.id, index, outcome));
      }
      if (event) this.insertEvent(event);
    });
    transaction();
  }

  /** Appends an event to the audit log. */
  recordEvent(event: RunEvent): void {
    this.insertEvent(event);
  }

  /** The cells finished (status `done`) in earlier runs into this folder, by id, with their outcomes. */
  finishedCells(): Map<string, CellResult> {
    const rows = this.database.prepare(`SELECT id, result_json, status FROM cells WHERE status = 'done'`).all() as CellRow[];
    return new Map(rows.map((row) => [row.id, this.withOutcomes(row)]));
  }

  /** How many `cell-end` events with status done each cell has (1 for every cell computed exactly once). */
  completionCounts(): Map<string, number> {
    const rows = this.database
      .prepare(
        `SELECT cell_id, COUNT(*) AS count FROM events
         WHERE type = 'cell-end' AND json_extract(event_json, '$.cell.status') = 'done' GROUP BY cell_id`,
      )
      .all() as Array<{ cell_id: string; count: number }>;
    return new Map(rows.map((row) => [row.cell_id, row.count]));
  }

  /** The whole run as stored, in the results.json shape. Throws when no run was stored here. */
  results(): RunResults {
    const run = this.database.prepare('SELECT metadata_json FROM run WHERE id = 1').get() as { metadata_json: string } | undefined;
    if (!run) throw new Error(`no run stored in ${this.out}`);
    const metadata = JSON.parse(run.metadata_json) as RunMetadata;
    const defenses = (this.database.prepare('SELECT result_json FROM defenses ORDER BY position').all() as Array<{ result_json: string }>).map(
      (row) => JSON.parse(row.result_json) as DefenseResult,
    );
    const cells = (this.database.prepare('SELECT id, result_json, status FROM cells ORDER BY position').all() as CellRow[]).map((row) =>
      this.withOutcomes(row),
    );
    return { ...metadata, defenses, cells };
  }

  /** Closes the database. */
  close(): void {
    if (this.database.open) this.database.close();
  }

  private writeMetadata(results: RunResults): void {
    const { defenses: _defenses, cells: _cells, ...metadata } = results;
    this.database
      .prepare(
        `INSERT INTO run (id, run_id, config_hash, created_at, updated_at, status, metadata_json)
         VALUES (1, @runId, @configHash, @createdAt, @updatedAt, @status, @json)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status, metadata_json = excluded.metadata_json`,
      )
      .run({ runId: results.runId, configHash: results.configHash, createdAt: results.createdAt, updatedAt: results.updatedAt, status: results.status, json: JSON.stringify(metadata) });
  }

  private writeDefense(defense: DefenseResult, position: number): void {
    this.database
      .prepare(
        `INSERT INTO defenses (name, position, status, result_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, status = excluded.status, result_json = excluded.result_json`,
      )
      .run(defense.name, position, defense.status, JSON.stringify(defense));
    if (defense.checks) {
      this.database.prepare('DELETE FROM checks WHERE defense = ?').run(defense.name);
      const insert = this.database.prepare('INSERT INTO checks (defense, check_id, position, verdict, detail) VALUES (?, ?, ?, ?, ?)');
      defense.checks.forEach((check, index) => insert.run(defense.name, check.id, index, check.verdict, check.detail));
    }
    if (defense.bestKnown) {
      this.database.prepare('DELETE FROM best_known WHERE defense = ?').run(defense.name);
      const insert = this.database.prepare('INSERT INTO best_known (defense, epsilon, accuracy, samples) VALUES (?, ?, ?, ?)');
      for (const point of defense.bestKnown) insert.run(defense.name, point.epsilon, point.accuracy, point.samples);
    }
  }

  private cellColumns(cell: CellResult) {
    return { id: cell.id, defense: cell.defense, attack: cell.attack, surface: cell.surface, epsilon: cell.epsilon, status: cell.status, seconds: cell.seconds };
  }

  private insertEvent(event: RunEvent): void {
    const cellId = event.type === 'cell-end' || event.type === 'cell-start' ? event.cell.id : event.type === 'error' ? (event.cellId ?? null) : null;
    const stored = event.type === 'cell-end' ? { ...event, cell: stripOutcomes(event.cell) } : event.type === 'run-start' ? { ...event, results: undefined } : event;
    this.database
      .prepare('INSERT INTO events (run_id, type, cell_id, time, event_json) VALUES (?, ?, ?, ?, ?)')
      .run(event.runId, event.type, cellId, event.time, JSON.stringify(stored));
  }

  private withOutcomes(row: CellRow): CellResult {
    const cell = JSON.parse(row.result_json) as CellResult;
    if (cell.status !== 'done') return cell;
    const outcomes = this.database.prepare('SELECT correct FROM outcomes WHERE cell_id = ? ORDER BY example_index').pluck().all(row.id) as number[];
    return { ...cell, outcomes };
  }
}

/**
 * Opens (creating when missing) the results database of an out folder; with `create`, a new database is created
 * holding that spec (see {@link ResultStore}). A damaged database is an exit-2 error naming the file.
 */
export function openStore(out: string, create?: RecordedRunSpec): ResultStore {
  return new ResultStore(out, { create });
}

/**
 * Opens `path` read-only. A database left by a killed writer may need recovery first (a hot rollback journal to
 * roll back, a WAL index to rebuild) that a read-only connection cannot do (SQLITE_READONLY_ROLLBACK /
 * SQLITE_READONLY_RECOVERY): then a read-write connection opens it once, which recovers it to its last committed
 * state (as the next writer would anyway) and changes nothing else, and the read-only connection is opened again.
 */
function openReadOnly(path: string): Database.Database {
  const open = () => {
    const database = new Database(path, { readonly: true, fileMustExist: true });
    database.pragma('busy_timeout = 5000');
    return database;
  };
  const database = open();
  try {
    database.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return database;
  } catch (error) {
    database.close();
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_READONLY_ROLLBACK' && code !== 'SQLITE_READONLY_RECOVERY') throw error;
  }
  const recovering = new Database(path, { fileMustExist: true });
  try {
    recovering.pragma('busy_timeout = 5000');
    recovering.prepare('SELECT COUNT(*) FROM sqlite_master').get();
  } finally {
    recovering.close();
  }
  return open();
}

/** Builds a database with the schema and `record` under a temporary name, then renames it to `path` (atomic). */
function createWithSpec(path: string, record: RecordedRunSpec): void {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const database = new Database(temporary);
    try {
      database.pragma('journal_mode = DELETE');
      database.pragma('synchronous = FULL');
      database.transaction(() => {
        database.exec(SQLITE_SCHEMA);
        database
          .prepare('INSERT INTO run_spec (id, run_id, config_hash, created_at, spec_json) VALUES (1, ?, ?, ?, ?)')
          .run(record.runId, record.configHash, record.createdAt, JSON.stringify(record.spec));
      })();
      database.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      // Born in WAL mode (close checkpoints and removes the -wal, the header keeps WAL): the store's own switch to
      // WAL is then no write, so the final name never has a rollback journal, whose hot leftover after a kill
      // would make a read-only open (resume reading the spec) fail with "attempt to write a readonly database".
      database.pragma('journal_mode = WAL');
    } finally {
      database.close();
    }
    renameSync(temporary, path);
  } catch (error) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temporary}${suffix}`, { force: true });
    throw error;
  }
}

function stripOutcomes(cell: CellResult): CellResult {
  const { outcomes: _outcomes, ...rest } = cell;
  return rest;
}
