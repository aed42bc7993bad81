import { describe, expect, it } from 'vitest';
import { trainingBudget } from './training-budget.js';

const baseCost = { seconds: 60, examples: 90_000, forwardPasses: 90_000, backwardPasses: 90_000, cached: false };

describe('trainingBudget', () => {
  it('adds the inherited base model to a fine-tuned defense (seconds, examples, passes, epochs)', () => {
    const own = { seconds: 100, examples: 60_000, forwardPasses: 480_000, backwardPasses: 480_000, cached: true };
    const budget = trainingBudget(own, 2, { key: 'base-1', cost: baseCost, epochs: 3 });
    expect(budget.own).toEqual({ seconds: 100, examples: 60_000, forwardPasses: 480_000, backwardPasses: 480_000, epochs: 2 });
    expect(budget.inherited).toEqual({ key: 'base-1', seconds: 60, examples: 90_000, forwardPasses: 90_000, backwardPasses: 90_000, epochs: 3 });
    expect(budget.total).toEqual({ seconds: 160, examples: 150_000, forwardPasses: 570_000, backwardPasses: 570_000, epochs: 5 });
  });

  it('counts the undefended model (whose cost is the base model itself) once', () => {
    const budget = trainingBudget({ ...baseCost }, 3, { key: 'base-1', cost: baseCost, epochs: 3 });
    expect(budget.inherited).toBeUndefined();
    expect(budget.total).toEqual(budget.own);
  });

  it('inherits nothing without a base model and sums epochs only when both are known', () => {
    const own = { seconds: 5, examples: 10, forwardPasses: 10, backwardPasses: 10, cached: false };
    expect(trainingBudget(own, undefined, undefined)).toEqual({ own: { seconds: 5, examples: 10, forwardPasses: 10, backwardPasses: 10 }, total: { seconds: 5, examples: 10, forwardPasses: 10, backwardPasses: 10 } });
    expect(trainingBudget(own, 4, { key: 'k', cost: baseCost }).total.epochs).toBeUndefined();
  });
});
