import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../core/src/store/result-types.js';
import { SQLITE_SCHEMA_VERSION } from '../core/src/store/sqlite-schema.js';
import { repositoryRoot, runCli } from './support/cli.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

const fixture = (name: string) => join(repositoryRoot, 'test', 'fixtures', name);

/** Runs `advbench run` on a config in a fresh folder; returns results.json, the terminal output and the folder. */
async function runConfig(config: Record<string, unknown>): Promise<{ results: RunResults; stderr: string; out: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-checks-'));
  folders.push(folder);
  writeFileSync(join(folder, 'run.json'), JSON.stringify(config));
  const run = await runCli(['run', '--config', 'run.json', '--out', 'out'], { cwd: folder, timeoutMs: 480_000 });
  expect(run.code, run.stderr).toBe(0);
  const out = join(folder, 'out');
  return { results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults, stderr: run.stderr, out };
}

const verdicts = (results: RunResults, defense: string) => Object.fromEntries(results.defenses.find((entry) => entry.name === defense)!.checks!.map((check) => [check.id, check.verdict]));
const flags = (results: RunResults, defense: string) => results.defenses.find((entry) => entry.name === defense)!.checks!.filter((check) => check.verdict === 'flag').map((check) => check.id);

const bestKnownAt = (results: RunResults, defense: string, epsilon: number) => results.defenses.find((entry) => entry.name === defense)!.bestKnown!.find((point) => Math.abs(point.epsilon - epsilon) < 1e-9)!.accuracy;

describe('the self-checking leaderboard on planted gradient-masking defenses (the attack suite, one CLI run)', () => {
  it('flags the rounding and the saturated-softmax defenses at least twice each, and best-known accuracy exposes them', async () => {
    const epsilon = 32 / 255;
    const { results } = await runConfig({
      dataset: { use: 'fashion-mnist', trainSamples: 1200, testSamples: 64 },
      model: 'bench-resnet',
      defenses: [{ use: 'none', options: { epochs: 3, batchSize: 64, learningRate: 0.05 } }, { use: fixture('defense-saturated-softmax') }, { use: fixture('defense-round-pixels') }],
      attacks: [
        { use: 'pgd', options: { steps: 10 } },
        { use: 'apgd', name: 'apgd-dlr', options: { loss: 'dlr', iterations: 20 } },
        { use: 'square', options: { queries: 1000 } },
        { use: 'transfer', options: { attack: 'apgd', attackOptions: { loss: 'ce', iterations: 20 } } },
      ],
      epsilons: [0, epsilon],
      seed: 0,
      evalBatchSize: 64,
    });
    expect(results.status).toBe('completed');
    const masked = ['saturated-softmax', 'round-pixels'];
    for (const defense of masked) {
      expect(flags(results, defense).length, `${defense}: ${flags(results, defense).join(', ')}`).toBeGreaterThanOrEqual(2);
      expect(flags(results, defense)).toContain('zero-gradient');
      // PGD-CE alone would rank it far above the undefended model; best-known brings it within 15 points.
      const pgd = results.cells.find((cell) => cell.defense === defense && cell.attack === 'pgd' && cell.epsilon === epsilon && !cell.extra)!;
      expect(pgd.result!.accuracy).toBeGreaterThan(bestKnownAt(results, 'none', epsilon) + 0.3);
      expect(bestKnownAt(results, defense, epsilon)).toBeLessThanOrEqual(bestKnownAt(results, 'none', epsilon) + 0.15);
    }
    expect(flags(results, 'saturated-softmax')).toContain('margin-beats-ce');
    expect(flags(results, 'round-pixels')).toContain('black-box-beats-white-box');
    expect(flags(results, 'none')).toEqual([]);
  }, 600_000);
});

describe('the self-checking leaderboard, with PGD only (smoke-sized, one CLI run)', () => {
  it('flags a randomized defense that does not declare it, and leaves the undefended and adversarially trained models unflagged', async () => {
    const { results, stderr, out } = await runConfig({
      dataset: { use: 'fashion-mnist', trainSamples: 600, testSamples: 32 },
      model: 'bench-resnet',
      defenses: [
        { use: 'none', options: { epochs: 2, batchSize: 64, learningRate: 0.05 } },
        { use: 'adv-training', options: { mode: 'fast', epochs: 1, batchSize: 64, epsilon: 8 / 255 } },
        { use: fixture('defense-undeclared-random') },
      ],
      attacks: [{ use: 'pgd', options: { steps: 5 } }],
      epsilons: [0, 8 / 255, 32 / 255],
      seed: 0,
      evalBatchSize: 32,
    });
    expect(results.status).toBe('completed');
    expect(results.defenses[0].cleanAccuracy!.accuracy).toBeGreaterThan(0.3);
    expect(flags(results, 'undeclared-random')).toContain('randomized-undeclared');
    expect(flags(results, 'none')).toEqual([]);
    expect(flags(results, 'adv-training')).toEqual([]);
    // Every defense carries all 12 verdicts and best-known accuracy per epsilon of the grid (never the unbounded one).
    for (const defense of results.defenses) {
      expect(defense.checks!.map((check) => check.id)).toHaveLength(12);
      expect(defense.bestKnown!.map((point) => point.epsilon)).toEqual([0, 8 / 255, 32 / 255]);
      expect(defense.bestKnown!.every((point) => point.samples === 32)).toBe(true);
    }
    // The probe-based and extra-cell checks decided: none of them is left not-run on the undefended model.
    expect(verdicts(results, 'none')).toMatchObject({ 'zero-gradient': 'pass', 'probability-output': 'pass', 'randomized-undeclared': 'pass', 'unbounded-not-broken': 'pass', 'steps-not-converged': 'pass', 'attack-above-clean': 'pass', 'not-monotone': 'pass' });
    const extra = results.cells.filter((cell) => cell.extra);
    expect(extra.map((cell) => cell.id).sort()).toEqual(
      ['none', 'adv-training', 'undeclared-random'].flatMap((name) => [`${name}|pgd|full|0.5|check:unbounded-not-broken`, `${name}|pgd|full|${8 / 255}|check:steps-not-converged`]).sort(),
    );
    expect(extra.find((cell) => cell.extra?.check === 'steps-not-converged')?.attackSettings).toMatchObject({ steps: 10 });
    // The same verdicts in SQLite, and in the terminal leaderboard in words.
    const database = new Database(join(out, 'results.sqlite'), { readonly: true });
    const rows = database.prepare(`SELECT check_id FROM checks WHERE defense = 'undeclared-random' AND verdict = 'flag'`).pluck().all();
    const bestKnown = database.prepare(`SELECT accuracy FROM best_known WHERE defense = 'none' ORDER BY epsilon`).pluck().all();
    expect(database.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    database.close();
    expect(rows).toEqual(flags(results, 'undeclared-random'));
    expect(bestKnown).toEqual(results.defenses[0].bestKnown!.map((point) => point.accuracy));
    expect(stderr).toMatch(/undeclared-random ⚑/);
    expect(stderr).toMatch(/undeclared-random: evaluation potentially unreliable:\n {2}- randomized-undeclared/);
  }, 300_000);
});
