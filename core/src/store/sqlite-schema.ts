/** Version of the SQLite schema below, stored in `PRAGMA user_version`. */
export const SQLITE_SCHEMA_VERSION = 3;

/**
 * The results database: the run's spec (written in the transaction that creates the file), one run row, one row per defense entry, one per cell, one per (cell, test example)
 * outcome (the fraction of judge draws classified correctly: 0 or 1 for a deterministic defense), and the events
 * that matter for audit (cell ends, run starts and ends). Rich fields are stored as JSON next to the columns worth
 * querying. Version 2 made outcomes fractional; version 3 adds `checks` (one verdict per defense and evaluation
 * check) and `best_known` (best-known robust accuracy per defense and epsilon); see {@link migrateSchema}.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS run_spec (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  spec_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  metadata_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS defenses (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  status TEXT NOT NULL,
  result_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  defense TEXT NOT NULL,
  attack TEXT NOT NULL,
  surface TEXT NOT NULL,
  epsilon REAL NOT NULL,
  status TEXT NOT NULL,
  samples INTEGER,
  correct INTEGER,
  accuracy REAL,
  seconds REAL NOT NULL DEFAULT 0,
  finished_at TEXT,
  result_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcomes (
  cell_id TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
  example_index INTEGER NOT NULL,
  correct REAL NOT NULL CHECK (correct >= 0 AND correct <= 1),
  PRIMARY KEY (cell_id, example_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  type TEXT NOT NULL,
  cell_id TEXT,
  time TEXT NOT NULL,
  event_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_cell ON events (cell_id, type);
CREATE TABLE IF NOT EXISTS checks (
  defense TEXT NOT NULL,
  check_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'flag', 'not-run')),
  detail TEXT NOT NULL,
  PRIMARY KEY (defense, check_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS best_known (
  defense TEXT NOT NULL,
  epsilon REAL NOT NULL,
  accuracy REAL NOT NULL,
  samples INTEGER NOT NULL,
  PRIMARY KEY (defense, epsilon)
) WITHOUT ROWID;
`;

/**
 * Brings a database written by an older advbench up to {@link SQLITE_SCHEMA_VERSION} (run inside the writer's
 * open, after {@link SQLITE_SCHEMA}, whose `IF NOT EXISTS` tables cover every addition so far): versions 1 and 2 had
 * no `checks` and `best_known` tables; they are created empty and fill from each defense's stored verdicts on its next
 * write. Readers of an old database (read-only) get the same results: verdicts live in the defenses' JSON too, and
 * a report computes them from the cells where they are missing.
 */
export function migrateSchema(database: { exec(sql: string): unknown; pragma(source: string, options?: { simple?: boolean }): unknown }): void {
  const version = Number(database.pragma('user_version', { simple: true }) ?? 0);
  if (version < 3) {
    database.exec(`INSERT OR REPLACE INTO checks (defense, check_id, position, verdict, detail)
      SELECT defenses.name, json_extract(item.value, '$.id'), item.key, json_extract(item.value, '$.verdict'), json_extract(item.value, '$.detail')
      FROM defenses, json_each(defenses.result_json, '$.checks') AS item`);
  }
}

/**
 * Upgrades a version-1 database (0/1 integer outcomes) to version 2 (fractional outcomes) in place, keeping
 * every stored outcome. Run before {@link SQLITE_SCHEMA} on a database whose `user_version` is 1.
 */
export const SQLITE_MIGRATE_1_TO_2 = `
CREATE TABLE outcomes_v2 (
  cell_id TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
  example_index INTEGER NOT NULL,
  correct REAL NOT NULL CHECK (correct >= 0 AND correct <= 1),
  PRIMARY KEY (cell_id, example_index)
) WITHOUT ROWID;
INSERT INTO outcomes_v2 SELECT cell_id, example_index, correct FROM outcomes;
DROP TABLE outcomes;
ALTER TABLE outcomes_v2 RENAME TO outcomes;
`;
