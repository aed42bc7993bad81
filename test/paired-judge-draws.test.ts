import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import { summarizeRun } from '../reports/src/analysis/summarize-run.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-paired-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a randomized defense is judged over paired draws', () => {
  it('one clean cell, fractional outcomes, and a worst case that draw noise alone never pushes below a surface', async () => {
    const plugins = writeTestPlugins(join(root, 'plugins'));
    // Half the answers are random guesses; the attack does not move (overshoot 0), so every cell judges the clean
    // images: any gap between cells would be draw noise only.
    const config = testSweepConfig(plugins, {
      cacheDirectory: join(root, 'cache'),
      defenses: [{ use: plugins.defense, name: 'noisy', options: { noise: 0.5 }, surfaces: ['full', 'copy'] }],
      attackOptions: { overshoot: 0 },
      epsilons: [0, 0.05, 0.1],
      extra: { judgeDraws: 4, eotSamples: 0 },
    });
    const configPath = join(root, 'run.json');
    writeFileSync(configPath, JSON.stringify(config));
    const spec = await loadRunSpec({ configPath, overrides: { out: join(root, 'out') }, cwd: root });
    const results = await executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [], resume: false, signal: new AbortController().signal, logger: silentLogger });
    expect(results.status).toBe('completed');
    expect(results.cells.filter((cell) => cell.epsilon === 0).map((cell) => cell.id)).toEqual(['noisy|clean|decision-rule|0']);
    expect(results.defenses[0].evaluation).toMatchObject({ randomized: true, judgeDraws: 4 });
    const outcomes = results.cells[0].outcomes!;
    expect(outcomes.some((value) => value > 0 && value < 1)).toBe(true);
    expect(outcomes.every((value) => value * 4 === Math.round(value * 4))).toBe(true);
    // Paired draws: the same example meets the same judge randomness in every cell of its defense.
    for (const cell of results.cells) expect(cell.outcomes).toEqual(outcomes);
    const summary = summarizeRun(results).defenses[0];
    for (const point of summary.worstCase.filter((candidate) => candidate.epsilon > 0)) {
      const rows = summary.curves.map((curve) => curve.points.find((candidate) => candidate.epsilon === point.epsilon)!.estimate!.accuracy);
      expect(rows).toHaveLength(2);
      expect(point.estimate!.accuracy).toBeGreaterThanOrEqual(Math.min(...rows));
    }
  });
});
