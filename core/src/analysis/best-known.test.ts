import { describe, expect, it } from 'vitest';
import { bestKnown, bestKnownEstimates } from './best-known.js';
import { doneCell } from './testing/hand-built-cells.js';

describe('bestKnown', () => {
  it('is the per-example worst case over every attack and surface, not the lowest cell', () => {
    // Each attack fools a different half: each cell is 50%, the worst case is 0%.
    const cells = [
      doneCell({ attack: 'clean', epsilon: 0, outcomes: [1, 1, 1, 1] }),
      doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [1, 1, 0, 0] }),
      doneCell({ attack: 'square', surface: 'full', epsilon: 0.1, outcomes: [0, 0, 1, 1] }),
      doneCell({ attack: 'pgd', surface: 'inn1', epsilon: 0.2, outcomes: [1, 0, 0, 0] }),
    ];
    expect(bestKnown(cells)).toEqual([
      { epsilon: 0, accuracy: 1, samples: 4 },
      { epsilon: 0.1, accuracy: 0, samples: 4 },
      { epsilon: 0.2, accuracy: 0.25, samples: 4 },
    ]);
  });

  it('takes the minimum of fractional outcomes (randomized defenses) per example', () => {
    const cells = [
      doneCell({ attack: 'pgd', surface: 'inn1', epsilon: 0.1, outcomes: [0.5, 1, 0.25] }),
      doneCell({ attack: 'pgd', surface: 'full', epsilon: 0.1, outcomes: [0.75, 0.5, 0.25] }),
    ];
    expect(bestKnown(cells)[0].accuracy).toBeCloseTo((0.5 + 0.5 + 0.25) / 3, 10);
  });

  it('lowers examples that an extra cell of the checks fooled, but keeps the sweep\'s examples and budgets', () => {
    const cells = [
      doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [1, 1, 1, 1] }),
      doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [0, 1], examples: [0, 2], extra: { check: 'steps-not-converged', overrides: { steps: 40 } } }),
      doneCell({ attack: 'pgd', epsilon: 0.5, outcomes: [0, 0], examples: [0, 2], extra: { check: 'unbounded-not-broken', overrides: {} } }),
    ];
    const points = bestKnownEstimates(cells);
    expect(points.map((point) => point.epsilon)).toEqual([0.1]);
    expect(points[0].estimate.samples).toBe(4);
    expect(points[0].estimate.accuracy).toBe(0.75);
  });

  it('marks a point partial while a cell at that epsilon is unfinished', () => {
    const pending = { ...doneCell({ attack: 'square', epsilon: 0.1, outcomes: [] }), status: 'pending' as const, outcomes: undefined };
    const points = bestKnownEstimates([doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [1, 0] }), pending]);
    expect(points[0].partial).toBe(true);
  });
});
