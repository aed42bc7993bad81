import { describe, expect, it } from 'vitest';
import type { CellResult, DefenseResult, RunResults } from '../store/result-types.js';
import { adjacentSignificance, leaderboardRanking } from './adjacent-significance.js';
import { bestKnown } from './best-known.js';
import { defenseEntry, doneCell, outcomes } from './testing/hand-built-cells.js';

const EPSILON = 8 / 255;

/** A run of hand-built cells; each defense's bestKnown decided from its cells as the recorder does. */
function runOf(defenses: DefenseResult[], cells: CellResult[]): RunResults {
  for (const defense of defenses) defense.bestKnown = bestKnown(cells.filter((cell) => cell.defense === defense.name));
  return { defenses, cells } as unknown as RunResults;
}

describe('adjacentSignificance', () => {
  it('pairs adjacent rows on per-example best-known outcomes (worst case over attacks) with McNemar exact', () => {
    // a: PGD leaves examples 0-7 correct, square breaks example 7: best-known 0-6 correct (7 of 20).
    // b: examples 0 and 1 correct (2 of 20). Discordant: a right b wrong = 5 (2..6), b right a wrong = 0.
    // c: examples 0 and 1 correct too: b vs c has no discordant pair.
    const cells = [
      doneCell({ defense: 'a', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(8, 20) }),
      doneCell({ defense: 'a', attack: 'square', epsilon: EPSILON, outcomes: outcomes(7, 20) }),
      doneCell({ defense: 'b', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(2, 20) }),
      doneCell({ defense: 'c', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(2, 20) }),
    ];
    const results = runOf([defenseEntry({ name: 'a' }), defenseEntry({ name: 'b' }), defenseEntry({ name: 'c' })], cells);
    const pairs = adjacentSignificance(results, ['a', 'b', 'c'], EPSILON);
    expect(pairs.map((pair) => [pair.upper, pair.lower])).toEqual([['a', 'b'], ['b', 'c']]);
    expect(pairs[0].upperAccuracy).toBeCloseTo(7 / 20, 12);
    expect(pairs[0].test).toMatchObject({ method: 'mcnemar-exact', firstBetter: 5, secondBetter: 0, ties: 15 });
    expect(pairs[0].test.pValue).toBeCloseTo(2 / 32, 12);
    expect(pairs[0].significant).toBe(false);
    expect(pairs[1].test.pValue).toBe(1);
  });

  it('uses fractional outcomes of a randomized defense and only the examples both evaluated', () => {
    const first = [1, 1, 1, 1, 1, 1, 0.75, 0.5, 0, 0];
    const second = [0, 0, 0, 0, 0, 0, 0.25, 0.5, 0, 0];
    const cells = [
      doneCell({ defense: 'r', attack: 'pgd', epsilon: EPSILON, outcomes: first }),
      // A checks' extra cell on a subset lowers example 0 to 0.5 (still above the other defense).
      doneCell({ defense: 'r', attack: 'pgd', epsilon: EPSILON, outcomes: [0.5], examples: [0], extra: { check: 'steps-not-converged', overrides: { steps: 40 } } }),
      doneCell({ defense: 's', attack: 'pgd', epsilon: EPSILON, outcomes: second }),
    ];
    const results = runOf([defenseEntry({ name: 'r' }), defenseEntry({ name: 's' })], cells);
    const [pair] = adjacentSignificance(results, ['r', 's'], EPSILON);
    // 7 positive differences, 0 negative: p = 2 / 128.
    expect(pair.test).toMatchObject({ method: 'sign-exact', examples: 10, firstBetter: 7, secondBetter: 0, ties: 3 });
    expect(pair.test.pValue).toBeCloseTo(2 / 128, 12);
    expect(pair.significant).toBe(true);
    expect(pair.upperAccuracy).toBeCloseTo((0.5 + 5 + 0.75 + 0.5) / 10, 12);
  });

  it('leaves out a pair whose defense has no finished cell at the epsilon', () => {
    const cells = [doneCell({ defense: 'a', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(3, 4) })];
    expect(adjacentSignificance(runOf([defenseEntry({ name: 'a' }), defenseEntry({ name: 'b' })], cells), ['a', 'b'], EPSILON)).toEqual([]);
  });
});

describe('leaderboardRanking', () => {
  it('orders by best-known accuracy at the headline epsilon and tests each adjacent pair there', () => {
    const cells = [
      doneCell({ defense: 'weak', attack: 'clean', epsilon: 0, outcomes: outcomes(30, 30) }),
      doneCell({ defense: 'weak', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(1, 30) }),
      doneCell({ defense: 'weak', attack: 'pgd', epsilon: 16 / 255, outcomes: outcomes(0, 30) }),
      doneCell({ defense: 'strong', attack: 'clean', epsilon: 0, outcomes: outcomes(25, 30) }),
      doneCell({ defense: 'strong', attack: 'pgd', epsilon: EPSILON, outcomes: outcomes(20, 30) }),
      doneCell({ defense: 'strong', attack: 'pgd', epsilon: 16 / 255, outcomes: outcomes(5, 30) }),
    ];
    const ranking = leaderboardRanking(runOf([defenseEntry({ name: 'weak' }), defenseEntry({ name: 'strong' })], cells));
    expect(ranking.headlineEpsilon).toBeCloseTo(EPSILON, 12);
    expect(ranking.order).toEqual(['strong', 'weak']);
    expect(ranking.adjacent).toHaveLength(1);
    // 19 discordant pairs, all for `strong`: p = 2 / 2^19.
    expect(ranking.adjacent[0].test.pValue).toBeCloseTo(2 / 2 ** 19, 15);
    expect(ranking.adjacent[0].significant).toBe(true);
  });
});
