import { describe, expect, it } from 'vitest';
import type { CellResult, DefenseResult, RunResults } from '../store/result-types.js';
import { bestKnown } from './best-known.js';
import { spreadOf, summarizeSeeds } from './seed-summary.js';
import { defenseEntry, doneCell, outcomes } from './testing/hand-built-cells.js';

const EPSILON = 8 / 255;

/** One seed's run: defense a with `a` of 10 robust examples, b with `b`. */
function seedRun(seed: number, a: number, b: number): RunResults {
  const cells: CellResult[] = [
    doneCell({ defense: 'a', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(a, 10) }),
    doneCell({ defense: 'b', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(b, 10) }),
  ];
  const defenses: DefenseResult[] = ['a', 'b'].map((name) => defenseEntry({ name, bestKnown: bestKnown(cells.filter((cell) => cell.defense === name)) }));
  return { seed, status: 'completed', defenses, cells } as unknown as RunResults;
}

describe('spreadOf', () => {
  it('gives the mean and the sample standard deviation of the present values', () => {
    const spread = spreadOf([0.5, 0.7, null, 0.9]);
    expect(spread.mean).toBeCloseTo(0.7, 12);
    expect(spread.sd).toBeCloseTo(0.2, 12); // sqrt((0.04 + 0 + 0.04) / 2)
    expect(spread.seeds).toBe(3);
    expect(spreadOf([0.3]).sd).toBe(0);
  });
});

describe('summarizeSeeds', () => {
  it('reports mean +- sd per defense and epsilon, rank frequencies and each seed\'s adjacent-row significance', () => {
    // Seeds 0 and 1: a above b; seed 2: b above a.
    const summary = summarizeSeeds([seedRun(0, 8, 2), seedRun(1, 6, 4), seedRun(2, 4, 7)], ['seed-0', 'seed-1', 'seed-2']);
    expect(summary.seeds).toEqual([0, 1, 2]);
    expect(summary.defenses.map((entry) => entry.name)).toEqual(['a', 'b']);
    const [a, b] = summary.defenses;
    expect(a.bestKnown[0].spread.mean).toBeCloseTo(0.6, 12);
    expect(a.bestKnown[0].spread.sd).toBeCloseTo(0.2, 12);
    expect(b.bestKnown[0].spread.mean).toBeCloseTo(13 / 30, 12);
    expect(a.rankCounts).toEqual([2, 1]);
    expect(b.rankCounts).toEqual([1, 2]);
    expect(summary.perSeed.map((entry) => entry.leaderboard.order)).toEqual([['a', 'b'], ['a', 'b'], ['b', 'a']]);
    // Seed 0: 6 discordant pairs all for a: p = 2 / 64.
    expect(summary.perSeed[0].leaderboard.adjacent[0].test.pValue).toBeCloseTo(2 / 64, 12);
  });
});
