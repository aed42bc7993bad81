import { describe, expect, it } from 'vitest';
import type { CellResult, DefenseResult, RunResults } from '@advbench/core';
import { sampleRunResults, SAMPLE_FAILED_CELL_ID } from '../fixtures/sample-run-results.js';
import { headlineEpsilonOf, summarizeRun } from './summarize-run.js';
import { wilsonEstimate } from './wilson-estimate.js';

function cell(defense: string, surface: string, epsilon: number, outcomes: number[], status: CellResult['status'] = 'done'): CellResult {
  const correct = outcomes.reduce((sum, value) => sum + value, 0);
  return {
    id: `${defense}|pgd|${surface}|${epsilon}`,
    defense,
    attack: epsilon === 0 ? 'clean' : 'pgd',
    attackPlugin: epsilon === 0 ? 'none' : 'pgd',
    surface,
    epsilon,
    status,
    result: status === 'done' ? wilsonEstimate(correct, outcomes.length) : undefined,
    outcomes: status === 'done' ? outcomes : undefined,
    seconds: 1,
    attackSettings: {},
    seed: 1,
    projectionCorrections: 0,
  };
}

function defense(name: string): DefenseResult {
  return { name, plugin: name, pluginVersion: '1', options: {}, description: {}, surfaces: ['a', 'b'], status: 'done' };
}

function results(defenses: DefenseResult[], cells: CellResult[]): RunResults {
  return { ...sampleRunResults({ examples: 4 }), defenses, cells };
}

describe('summarizeRun', () => {
  it('counts an example as robust only when every surface keeps it correct at that eps', () => {
    const eight = 8 / 255;
    const run = results(
      [defense('d')],
      [cell('d', 'a', 0, [1, 1, 1, 1]), cell('d', 'a', eight, [1, 1, 0, 1]), cell('d', 'b', eight, [1, 0, 1, 1])],
    );
    const summary = summarizeRun(run);
    const worst = summary.defenses[0].worstCase.find((point) => point.epsilon === eight)!;
    expect(worst.estimate!.correct).toBe(2);
    expect(worst.estimate!.samples).toBe(4);
    expect(worst.estimate!.low).toBeLessThan(0.5);
    expect(worst.estimate!.high).toBeGreaterThan(0.5);
    expect(summary.defenses[0].curves.map((curve) => curve.surface)).toEqual(['a', 'b']);
    expect(summary.defenses[0].clean!.accuracy).toBe(1);
  });

  it('ranks by headline worst-case accuracy, then by area under the curve', () => {
    const grid = [0, 4 / 255, 8 / 255, 16 / 255];
    const cells = [
      ...grid.map((epsilon, index) => cell('weak', 'a', epsilon, [1, 1, 1, 1].map((value, example) => (example < [4, 3, 1, 1][index] ? 1 : 0)))),
      // strong and tied have the same accuracy at 8/255 (2 of 4); strong keeps more at 16/255, so more area.
      ...grid.map((epsilon) => cell('tied', 'a', epsilon, epsilon > 8 / 255 ? [0, 0, 0, 0] : epsilon === 8 / 255 ? [1, 1, 0, 0] : [1, 1, 1, 0])),
      ...grid.map((epsilon) => cell('strong', 'a', epsilon, epsilon === 0 ? [1, 1, 1, 0] : [1, 1, 0, 0])),
    ];
    const summary = summarizeRun(results([defense('weak'), defense('tied'), defense('strong')], cells));
    expect(summary.headlineEpsilon).toBeCloseTo(8 / 255);
    expect(summary.defenses.map((entry) => entry.defense.name)).toEqual(['strong', 'tied', 'weak']);
    expect(summary.defenses.map((entry) => entry.rank)).toEqual([1, 2, 3]);
    expect(summary.defenses[0].area!).toBeGreaterThan(summary.defenses[1].area!);
    expect(summary.rankingRule).toContain('8/255');
  });

  it('picks the largest eps <= 8/255 as headline, else the smallest positive, and 0 without positive budgets', () => {
    expect(headlineEpsilonOf([0, 2 / 255, 6 / 255, 16 / 255])).toBeCloseTo(6 / 255);
    expect(headlineEpsilonOf([0, 32 / 255, 16 / 255])).toBeCloseTo(16 / 255);
    expect(headlineEpsilonOf([0])).toBe(0);
  });

  it('keeps failed cells, marks their points partial and the defense incomplete', () => {
    const summary = summarizeRun(sampleRunResults());
    expect(summary.failedCells.map((entry) => entry.id)).toEqual([SAMPLE_FAILED_CELL_ID]);
    const innB = summary.defenses.find((entry) => entry.defense.name === 'inn-b')!;
    expect(innB.complete).toBe(false);
    expect(innB.worstCase.find((point) => Math.abs(point.epsilon - 16 / 255) < 1e-9)!.partial).toBe(true);
    expect(summary.defenses.find((entry) => entry.defense.name === 'none')!.complete).toBe(true);
    expect(summary.epsilons).toHaveLength(6);
  });
});
