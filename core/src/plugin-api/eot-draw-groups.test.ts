import { describe, expect, it } from 'vitest';
import { DEFAULT_EOT_STACK_LIMIT, eotDrawGroups } from './eot-draw-groups.js';

describe('eotDrawGroups', () => {
  it('stacks every draw into one pass when the stacked input fits the limit', () => {
    expect(eotDrawGroups(8, { stacked: true, examples: 100, valuesPerExample: 28 * 28 })).toEqual([8]);
  });

  it('splits the draws into passes that stay under the limit, equal but for the last', () => {
    // 250 ImageNet-sized images: 250 x 150,528 values per draw; a limit of 3 draws' worth gives groups of 3.
    const perDraw = 250 * 224 * 224 * 3;
    expect(eotDrawGroups(8, { stacked: true, examples: 250, valuesPerExample: 224 * 224 * 3, stackLimit: 3 * perDraw + 1 })).toEqual([3, 3, 2]);
  });

  it('evaluates one draw per pass without stacking, or when one draw of the batch is already over the limit', () => {
    expect(eotDrawGroups(4, { stacked: false, examples: 10, valuesPerExample: 10 })).toEqual([1, 1, 1, 1]);
    expect(eotDrawGroups(3, { stacked: true, examples: 250, valuesPerExample: 224 * 224 * 3 })).toEqual([1, 1, 1]);
    expect(250 * 224 * 224 * 3).toBeGreaterThan(DEFAULT_EOT_STACK_LIMIT);
  });

  it('refuses a draw count or limit that makes no sense', () => {
    expect(() => eotDrawGroups(0, { stacked: true, examples: 1, valuesPerExample: 1 })).toThrow(/draws/);
    expect(() => eotDrawGroups(2, { stacked: true, examples: 1, valuesPerExample: 1, stackLimit: 0 })).toThrow(/stackLimit/);
  });
});
