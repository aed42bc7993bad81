import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeSeeds, type SeedSummary } from '../analysis/seed-summary.js';
import type { RunSpec } from '../config/run-spec.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { RESULTS_DATABASE_FILE } from '../store/result-store.js';
import { RESULTS_JSON_FILE } from '../store/results-json.js';
import { RESULTS_SCHEMA_VERSION, type RunResults } from '../store/result-types.js';

/** The top-level results.json of a multi-seed sweep: the summary plus the resolved spec (for `--resume`). */
export type SeedSummaryFile = Partial<SeedSummary> & { kind: 'multi-seed'; schemaVersion: number; config: Record<string, unknown>; status: string; updatedAt: string };

/** The out folder of one seed's run inside a multi-seed out folder: `seed-<n>`. */
export function seedFolder(seed: number): string {
  return `seed-${seed}`;
}

/** One seed's spec: the sweep with that master seed, in its own folder, without `seeds`. */
export function seedSpec(spec: RunSpec, seed: number): RunSpec {
  const { seeds: _seeds, ...single } = spec;
  return { ...single, seed, out: join(spec.out, seedFolder(seed)) };
}

/** The spec stored in a multi-seed out folder's top-level results.json, or undefined when the folder holds none. */
export async function recordedSeedSpec(out: string): Promise<Record<string, unknown> | undefined> {
  const path = join(out, RESULTS_JSON_FILE);
  if (existsSync(join(out, RESULTS_DATABASE_FILE)) || !existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<SeedSummaryFile>;
    return parsed.kind === 'multi-seed' && parsed.config ? parsed.config : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the top-level results.json of a multi-seed sweep (atomically). */
export async function writeSeedSummary(spec: RunSpec, status: string, summary?: SeedSummary): Promise<void> {
  await mkdir(spec.out, { recursive: true });
  const file: SeedSummaryFile = { kind: 'multi-seed', schemaVersion: RESULTS_SCHEMA_VERSION, status, updatedAt: new Date().toISOString(), config: spec as unknown as Record<string, unknown>, ...(summary ?? {}) };
  await writeFileAtomic(join(spec.out, RESULTS_JSON_FILE), `${JSON.stringify(file, null, 2)}\n`);
}

/** What {@link runSeeds} runs each seed with. */
export interface SeedRunner {
  /** Runs (or, with `resume`, continues) one seed's sweep and returns its results. */
  run(spec: RunSpec, resume: boolean): Promise<RunResults>;
}

/**
 * Runs the sweep once per seed of `spec.seeds` into `<out>/seed-<n>/` (each a normal, resumable run), writing the
 * top-level results.json before the first seed (so `--resume <out>` finds the config) and after each seed with the
 * summary so far. With `resume`, a seed whose folder holds a results database is continued, the others start
 * fresh. Stops at an interrupted seed (the summary says so); returns the summary and each finished seed's results.
 */
export async function runSeeds(spec: RunSpec, runner: SeedRunner, resume: boolean): Promise<{ summary: SeedSummary; runs: RunResults[] }> {
  const seeds = spec.seeds ?? [spec.seed];
  await writeSeedSummary(spec, 'running');
  const runs: RunResults[] = [];
  let status = 'completed';
  for (const seed of seeds) {
    const single = seedSpec(spec, seed);
    const results = await runner.run(single, resume && existsSync(join(single.out, RESULTS_DATABASE_FILE)));
    runs.push(results);
    const partial = summarizeSeeds(runs, runs.map((run) => seedFolder(run.seed)));
    if (results.status === 'interrupted') status = 'interrupted';
    else if (results.status === 'failed' || results.cells.some((cell) => cell.status === 'failed')) status = 'failed';
    await writeSeedSummary(spec, runs.length === seeds.length || status === 'interrupted' ? status : 'running', partial);
    if (results.status === 'interrupted') break;
  }
  return { summary: summarizeSeeds(runs, runs.map((run) => seedFolder(run.seed))), runs };
}
