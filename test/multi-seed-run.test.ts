import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeedSummaryFile } from '../core/src/run/run-seeds.js';
import { runFromCli } from '../core/src/run/run-from-cli.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';
import type { RunResults } from '../core/src/store/result-types.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-multi-seed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const environment = { cwd: root, signal: new AbortController().signal, logger: silentLogger, createReporters: () => [] };

/** The top-level results.json of the multi-seed folder. */
function summaryFile(out: string): SeedSummaryFile {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SeedSummaryFile;
}

describe('--seeds (slow: two smoke-sized sweeps of none and fast adversarial training)', () => {
  const out = join(root, 'out');

  it('runs one sweep per seed into seed-<n>/ and summarises mean ± sd, rank frequencies and per-seed significance', async () => {
    const configPath = join(root, 'config.json');
    const defenses = [
      { use: 'none', options: { epochs: 1, batchSize: 64 } },
      { use: 'adv-training', options: { mode: 'fast', epochs: 1, batchSize: 64, epsilon: 8 / 255 } },
    ];
    writeFileSync(
      configPath,
      JSON.stringify({ preset: 'smoke', dataset: { use: 'fashion-mnist', trainSamples: 128, testSamples: 24 }, defenses, attacks: [{ use: 'pgd', options: { steps: 2 } }], epsilons: [0, 8 / 255], backend: 'wasm', evalBatchSize: 24, cacheDirectory: join(root, 'cache') }),
    );
    await runFromCli({ config: configPath, out, seeds: [3, 4] }, environment);
    const seedRuns = [3, 4].map((seed) => JSON.parse(readFileSync(join(out, `seed-${seed}`, 'results.json'), 'utf8')) as RunResults);
    expect(seedRuns.map((results) => [results.seed, results.status])).toEqual([[3, 'completed'], [4, 'completed']]);
    // The seeds draw different test subsets (stratified, seeded), so their clean cells differ somewhere.
    expect(seedRuns[0].configHash).not.toBe(seedRuns[1].configHash);
    const summary = summaryFile(out);
    expect(summary).toMatchObject({ kind: 'multi-seed', seeds: [3, 4], runs: ['seed-3', 'seed-4'], status: 'completed' });
    expect(summary.defenses!.map((entry) => entry.name).sort()).toEqual(['adv-training', 'none']);
    for (const entry of summary.defenses!) {
      const headline = entry.bestKnown.find((point) => point.epsilon === summary.headlineEpsilon)!.spread;
      const values = headline.values as number[];
      expect(values).toEqual(seedRuns.map((results) => results.defenses.find((defense) => defense.name === entry.name)!.bestKnown!.find((point) => point.epsilon === summary.headlineEpsilon)!.accuracy));
      expect(headline.mean).toBeCloseTo((values[0] + values[1]) / 2, 12);
      expect(headline.sd).toBeCloseTo(Math.abs(values[0] - values[1]) / Math.SQRT2, 12);
      expect(entry.rankCounts.reduce((total, seeds) => total + seeds, 0)).toBe(2);
    }
    expect(summary.perSeed!.map((entry) => entry.leaderboard.adjacent.length)).toEqual([1, 1]);
    for (const entry of summary.perSeed!) expect(entry.leaderboard.adjacent[0].test.examples).toBe(24);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="seed-leaderboard"');
    expect(html).toMatch(/\d+\.\d ± \d+\.\d/);
    expect(html).toContain('data-seed="3"');
    expect(html).toContain('data-seed="4"');
  }, 300_000);

  it('--resume of the top folder reruns only the unfinished seed', async () => {
    rmSync(join(out, 'seed-4'), { recursive: true, force: true });
    const before = readFileSync(join(out, 'seed-3', 'results.json'), 'utf8');
    await runFromCli({ resume: out }, environment);
    expect(existsSync(join(out, 'seed-4', 'results.sqlite'))).toBe(true);
    const seed3 = JSON.parse(readFileSync(join(out, 'seed-3', 'results.json'), 'utf8')) as RunResults;
    expect(seed3.runId).toBe((JSON.parse(before) as RunResults).runId);
    expect(summaryFile(out)).toMatchObject({ seeds: [3, 4], status: 'completed' });
  }, 300_000);

  it('refuses --seed with --seeds, and bad seeds in the config, with exit 2', async () => {
    await expect(runFromCli({ preset: 'smoke', out: join(root, 'bad'), seed: 1, seeds: [1, 2] }, environment)).rejects.toMatchObject({ exitCode: 2 });
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ preset: 'smoke', seeds: [1, 1] }));
    await expect(runFromCli({ config: bad, out: join(root, 'bad') }, environment)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('seeds lists seed 1 twice') });
    expect(existsSync(join(root, 'bad'))).toBe(false);
  });
});
