import { describe, expect, it } from 'vitest';
import { checkSubset } from '../extra-cells.js';
import { checkInput, doneCell, outcomes } from '../testing/hand-built-cells.js';
import { attackAboveCleanCheck } from './attack-above-clean.js';
import { eotNotConvergedCheck } from './eot-not-converged.js';
import { notMonotoneCheck } from './not-monotone.js';
import { stepsNotConvergedCheck } from './steps-not-converged.js';
import { unboundedNotBrokenCheck } from './unbounded-not-broken.js';

const eps = 8 / 255;
const pgd = (epsilon: number, correct: number, surface = 'full') => doneCell({ attack: 'pgd', surface, epsilon, outcomes: outcomes(correct, 100), settings: { steps: 10 } });

describe('unbounded-not-broken', () => {
  const unbounded = (values: number[], surface = 'full') =>
    doneCell({ attack: 'pgd', surface, epsilon: 0.5, outcomes: values, examples: values.map((_, index) => index), extra: { check: 'unbounded-not-broken', overrides: {} } });
  it('flags accuracy above chance beyond the interval at eps 0.5', () => {
    expect(unboundedNotBrokenCheck.evaluate(checkInput([unbounded(outcomes(40, 100))])).verdict).toBe('flag');
  });
  it('passes at chance (10 classes) and takes the worst case over surfaces', () => {
    expect(unboundedNotBrokenCheck.evaluate(checkInput([unbounded(outcomes(12, 100))])).verdict).toBe('pass');
    const half = outcomes(50, 100);
    const otherHalf = half.map((value) => 1 - value);
    expect(unboundedNotBrokenCheck.evaluate(checkInput([unbounded(half, 'inn1'), unbounded(otherHalf, 'inn2')])).verdict).toBe('pass');
  });
  it('depends on the number of classes', () => {
    expect(unboundedNotBrokenCheck.evaluate(checkInput([unbounded(outcomes(40, 100))], undefined, 2)).verdict).toBe('pass');
  });
  it('says why it did not run', () => {
    expect(unboundedNotBrokenCheck.evaluate(checkInput([pgd(eps, 10)])).verdict).toBe('not-run');
    const failed = { ...unbounded([]), status: 'failed' as const, outcomes: undefined, error: 'boom' };
    expect(unboundedNotBrokenCheck.evaluate(checkInput([failed])).detail).toContain('boom');
  });
});

describe('not-monotone', () => {
  it('flags a curve that rises with epsilon beyond the interval', () => {
    expect(notMonotoneCheck.evaluate(checkInput([pgd(2 / 255, 30), pgd(eps, 70)])).verdict).toBe('flag');
  });
  it('passes small rises and falling curves', () => {
    expect(notMonotoneCheck.evaluate(checkInput([pgd(2 / 255, 30), pgd(eps, 34), pgd(16 / 255, 10)])).verdict).toBe('pass');
  });
  it('does not compare different surfaces with each other', () => {
    expect(notMonotoneCheck.evaluate(checkInput([pgd(2 / 255, 10, 'inn1'), pgd(eps, 70, 'inn2')])).verdict).not.toBe('flag');
  });
});

describe('steps-not-converged and eot-not-converged', () => {
  const subset = checkSubset(100, 50);
  const baseline = pgd(eps, 80);
  const stronger = (check: 'steps-not-converged' | 'eot-not-converged', correctOnSubset: number) =>
    doneCell({ attack: 'pgd', epsilon: eps, outcomes: outcomes(correctOnSubset, subset.length), examples: subset, extra: { check, overrides: check === 'steps-not-converged' ? { steps: 20 } : { eotSamples: 16 }, baseline: baseline.id } });
  it('flag when the stronger setting lowers accuracy beyond the interval on the same examples', () => {
    expect(stepsNotConvergedCheck.evaluate(checkInput([baseline, stronger('steps-not-converged', 10)])).verdict).toBe('flag');
    expect(eotNotConvergedCheck.evaluate(checkInput([baseline, stronger('eot-not-converged', 10)])).verdict).toBe('flag');
  });
  it('compare on the subset: the baseline restricted to the same examples', () => {
    // On the evenly spaced subset of 50 of 100 examples (even indices) the baseline's first 80 examples give 40 of 50.
    expect(stepsNotConvergedCheck.evaluate(checkInput([baseline, stronger('steps-not-converged', 38)])).verdict).toBe('pass');
    expect(stepsNotConvergedCheck.evaluate(checkInput([baseline, stronger('steps-not-converged', 38)])).detail).toContain('80.0%');
  });
  it('are not-run without their extra cell, eot saying why', () => {
    expect(stepsNotConvergedCheck.evaluate(checkInput([baseline])).verdict).toBe('not-run');
    expect(eotNotConvergedCheck.evaluate(checkInput([baseline])).detail).toContain('not applicable');
  });
});

describe('attack-above-clean', () => {
  it('flags an attack cell above clean beyond the interval', () => {
    const clean = doneCell({ attack: 'clean', epsilon: 0, outcomes: outcomes(40, 100) });
    expect(attackAboveCleanCheck.evaluate(checkInput([clean, pgd(eps, 80)])).verdict).toBe('flag');
    expect(attackAboveCleanCheck.evaluate(checkInput([clean, pgd(eps, 45)])).verdict).toBe('pass');
    expect(attackAboveCleanCheck.evaluate(checkInput([pgd(eps, 45)])).verdict).toBe('not-run');
  });
});
