import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../core/src/random/seeded-random.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { openStore } from '../core/src/store/result-store.js';
import { advbenchBin, repositoryRoot, runCli } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-random-kills-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugins = writeTestPlugins(join(root, 'plugins'));

/** Seed of the kill points; change it to explore other points (every seed must pass). */
const KILL_SEED = 16;
const TRIALS = 10;

/** Cells stored as done (read-only; 0 while there is no database or no table yet). */
function doneCells(out: string): number {
  try {
    const database = new Database(join(out, 'results.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (database.prepare(`SELECT COUNT(*) AS count FROM cells WHERE status = 'done'`).get() as { count: number }).count;
    } finally {
      database.close();
    }
  } catch {
    return 0;
  }
}

/**
 * The stages a kill point is drawn from (then a random delay after the stage is reached): stages rather than times
 * since the spawn, so the points cover the whole run however loaded the machine is.
 */
const STAGES: Array<{ name: string; reached: (out: string, cache: string) => boolean; maxDelayMs: number }> = [
  { name: 'starting', reached: () => true, maxDelayMs: 400 },
  { name: 'database created', reached: (out) => existsSync(join(out, 'results.sqlite')), maxDelayMs: 60 },
  { name: 'training', reached: (_out, cache) => existsSync(cache) && readdirSync(cache).some((name) => name.startsWith('.tmp-')), maxDelayMs: 200 },
  { name: 'one cell done', reached: (out) => doneCells(out) >= 1, maxDelayMs: 100 },
  { name: 'two cells done', reached: (out) => doneCells(out) >= 2, maxDelayMs: 100 },
];

function configFor(trial: number | 'reference'): string {
  const path = join(root, `config-${trial}.json`);
  // A cache per trial, so kill points also land while the model trains.
  writeFileSync(path, JSON.stringify(testSweepConfig(plugins, { cacheDirectory: join(root, `cache-${trial}`), attackOptions: { delayMs: 50 }, epsilons: [0, 0.05, 0.1], testSamples: 16 })));
  return path;
}

/** Starts `advbench run` and SIGKILLs it `delayMs` after `reached` first holds (or lets it finish first). */
function killedRun(args: string[], reached: () => boolean, delayMs: number): Promise<{ code: number | null; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [advbenchBin, ...args], { cwd: repositoryRoot, stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (timer !== undefined || !reached()) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    }, 5);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, killed: signal === 'SIGKILL' });
    });
  });
}

function storedCells(out: string) {
  const store = openStore(out);
  try {
    return { results: store.results(), counts: store.completionCounts() };
  } finally {
    store.close();
  }
}

describe('kill -9 at seeded random points, then --resume (slow: real child processes)', () => {
  it(`loses, doubles and changes no cell in ${TRIALS} trials`, async () => {
    const referenceOut = join(root, 'reference');
    const reference = await runCli(['run', '--config', configFor('reference'), '--out', referenceOut]);
    expect(reference.code, reference.stderr).toBe(0);
    const expected = storedCells(referenceOut).results.cells.map((cell) => [cell.id, cell.outcomes]);

    const random = createRandom(KILL_SEED);
    // Every stage at least twice, in a seeded order, each with a seeded delay.
    const killPoints = Array.from({ length: TRIALS }, (_, index) => STAGES[index % STAGES.length])
      .map((stage) => ({ stage, delayMs: Math.floor(random.next() * stage.maxDelayMs), order: random.next() }))
      .sort((a, b) => a.order - b.order);
    const trial = async (index: number) => {
      const out = join(root, `trial-${index}`);
      const config = configFor(index);
      const { stage, delayMs } = killPoints[index];
      const first = await killedRun(['run', '--config', config, '--out', out], () => stage.reached(out, join(root, `cache-${index}`)), delayMs);
      const databaseAtKill = existsSync(join(out, 'results.sqlite'));
      // Any folder with a database resumes with --resume alone; a folder without one starts again.
      const next = databaseAtKill ? await runCli(['run', '--resume', out]) : await runCli(['run', '--config', config, '--out', out]);
      const where = `trial ${index}: killed ${delayMs} ms after '${stage.name}' (${first.killed ? 'killed' : `exited ${first.code}`}, database ${databaseAtKill ? 'present' : 'absent'})\n${next.stderr}`;
      expect(next.code, where).toBe(0);
      const { results, counts } = storedCells(out);
      expect(results.status, where).toBe('completed');
      expect(results.cells.map((cell) => [cell.id, cell.outcomes]), where).toEqual(expected);
      expect(results.cells.map((cell) => counts.get(cell.id)), where).toEqual(results.cells.map(() => 1));
      return { stage: stage.name, delayMs, killed: first.killed, databaseAtKill };
    };
    const outcomes: Array<{ stage: string; delayMs: number; killed: boolean; databaseAtKill: boolean }> = [];
    // Two trials at a time: the kill points stay spread over the run on a loaded machine.
    for (let index = 0; index < TRIALS; index += 2) outcomes.push(...(await Promise.all([trial(index), trial(index + 1)])));
    const summary = outcomes.map((outcome) => `${outcome.stage} +${outcome.delayMs} ms: ${outcome.killed ? 'killed' : 'finished'}, database ${outcome.databaseAtKill ? 'present' : 'absent'}`).join('\n');
    // The seeded points exercise both sides: killed before the database existed and after.
    expect(outcomes.filter((outcome) => outcome.killed).length, summary).toBeGreaterThan(TRIALS / 2);
    expect(outcomes.some((outcome) => outcome.killed && outcome.databaseAtKill), summary).toBe(true);
    expect(outcomes.some((outcome) => outcome.killed && !outcome.databaseAtKill), summary).toBe(true);
  }, 600_000);
});
