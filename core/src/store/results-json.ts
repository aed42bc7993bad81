import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../plugin-api/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { RESULTS_DATABASE_FILE, ResultStore } from './result-store.js';
import { RESULTS_SCHEMA_VERSION, type RunResults } from './result-types.js';

/** File name of the JSON export inside a run's out folder. */
export const RESULTS_JSON_FILE = 'results.json';

/** Writes `<out>/results.json` atomically (temp file, then rename). */
export async function writeResultsJson(out: string, results: RunResults): Promise<void> {
  await writeFileAtomic(join(out, RESULTS_JSON_FILE), `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * The resolved spec of the run in an out folder, for `--resume`: the spec recorded when its results.sqlite was
 * created (present even when the run was killed before any other work), else the `config` of its results.
 * A folder with neither is refused with an exit-2 error naming it.
 */
export async function loadRecordedSpec(out: string): Promise<Record<string, unknown>> {
  const databasePath = join(out, RESULTS_DATABASE_FILE);
  if (existsSync(databasePath)) {
    let store: ResultStore | undefined;
    let recorded: Record<string, unknown> | undefined;
    try {
      store = new ResultStore(out, { readOnly: true });
      recorded = store.recordedSpec()?.spec;
    } catch (cause) {
      throw inputError('ADVBENCH_ERR_RESULTS_DATABASE', `${databasePath} is not a readable advbench results database: ${(cause as Error).message}`, { cause, details: { path: databasePath } });
    } finally {
      store?.close();
    }
    if (recorded) return recorded;
  }
  return (await loadRunResults(out)).config;
}

/**
 * Loads a run's results from its out folder: from `results.sqlite` when present (the source of truth), else from
 * `results.json`. Used by `advbench report` and `advbench serve`. A folder with neither, or a results.json of
 * another schema version, is refused with an exit-2 error naming the folder.
 */
export async function loadRunResults(out: string): Promise<RunResults> {
  if (existsSync(join(out, RESULTS_DATABASE_FILE))) {
    const databasePath = join(out, RESULTS_DATABASE_FILE);
    let store: ResultStore | undefined;
    try {
      // Read-only: `advbench serve` reads while a run writes.
      store = new ResultStore(out, { readOnly: true });
      if (store.header()) return store.results();
    } catch (cause) {
      throw inputError('ADVBENCH_ERR_RESULTS_DATABASE', `${databasePath} is not a readable advbench results database: ${(cause as Error).message}`, { cause, details: { path: databasePath } });
    } finally {
      store?.close();
    }
  }
  const jsonPath = join(out, RESULTS_JSON_FILE);
  if (!existsSync(jsonPath)) {
    throw inputError('ADVBENCH_ERR_RESULTS_MISSING', `${out} holds no run results (neither ${RESULTS_DATABASE_FILE} nor ${RESULTS_JSON_FILE}); run \`advbench run --out ${out}\` first`, {
      details: { out },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (cause) {
    throw inputError('ADVBENCH_ERR_RESULTS_JSON', `${jsonPath} is not valid JSON: ${(cause as Error).message}`, { cause, details: { path: jsonPath } });
  }
  const results = parsed as Partial<RunResults>;
  if (typeof results === 'object' && results !== null && (results as { kind?: unknown }).kind === 'multi-seed') {
    throw inputError('ADVBENCH_ERR_RESULTS_SCHEMA', `${jsonPath} is the summary of a multi-seed run (--seeds): its report is ${join(out, 'report.html')}; each seed's run is in ${join(out, 'seed-<n>')}`, {
      details: { path: jsonPath },
    });
  }
  if (typeof results !== 'object' || results === null || results.schemaVersion !== RESULTS_SCHEMA_VERSION || !Array.isArray(results.cells)) {
    throw inputError('ADVBENCH_ERR_RESULTS_SCHEMA', `${jsonPath} is not an advbench results file of schema version ${RESULTS_SCHEMA_VERSION} (got schemaVersion ${String(results?.schemaVersion)})`, {
      details: { path: jsonPath },
    });
  }
  return results as RunResults;
}
