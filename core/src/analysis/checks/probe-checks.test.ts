import { describe, expect, it } from 'vitest';
import { checkInput } from '../testing/hand-built-cells.js';
import { probabilityOutputCheck } from './probability-output.js';
import { randomizedUndeclaredCheck } from './randomized-undeclared.js';
import { zeroGradientCheck } from './zero-gradient.js';

const randomness = (fields: { declared: boolean; differing: number; undeclaredSurfaces?: string[] }) => ({
  examples: 32,
  randomness: { draws: 5, classChanges: Math.floor(fields.differing / 2), undeclaredSurfaces: [], ...fields },
});

describe('randomized-undeclared', () => {
  it('flags outputs that vary while the classifier says deterministic', () => {
    expect(randomizedUndeclaredCheck.evaluate(checkInput([], randomness({ declared: false, differing: 3 }))).verdict).toBe('flag');
  });
  it('passes a deterministic classifier and a declared randomized one', () => {
    expect(randomizedUndeclaredCheck.evaluate(checkInput([], randomness({ declared: false, differing: 0 }))).verdict).toBe('pass');
    expect(randomizedUndeclaredCheck.evaluate(checkInput([], randomness({ declared: true, differing: 32 }))).verdict).toBe('pass');
  });
  it('flags a randomized surface that declares randomized: false', () => {
    const result = randomizedUndeclaredCheck.evaluate(checkInput([], randomness({ declared: true, differing: 32, undeclaredSurfaces: ['full'] })));
    expect(result.verdict).toBe('flag');
    expect(result.detail).toContain('full');
  });
  it('is not-run without the probe', () => {
    expect(randomizedUndeclaredCheck.evaluate(checkInput([])).verdict).toBe('not-run');
  });
});

describe('zero-gradient', () => {
  it('flags above 1% on any surface, passes at or below', () => {
    const probes = (zero: number) => ({ examples: 200, zeroGradient: [{ surface: 'inn1', examples: 200, zero: 0 }, { surface: 'inn2', examples: 200, zero }] });
    expect(zeroGradientCheck.evaluate(checkInput([], probes(3))).verdict).toBe('flag');
    expect(zeroGradientCheck.evaluate(checkInput([], probes(3))).detail).toContain('inn2');
    expect(zeroGradientCheck.evaluate(checkInput([], probes(2))).verdict).toBe('pass');
    expect(zeroGradientCheck.evaluate(checkInput([])).verdict).toBe('not-run');
  });
});

describe('probability-output', () => {
  it('flags rows that are not probabilities', () => {
    expect(probabilityOutputCheck.evaluate(checkInput([], { examples: 32, probabilityOutput: { rows: 32, bad: 32, problem: 'row 0 sums to 7.1' } })).verdict).toBe('flag');
    expect(probabilityOutputCheck.evaluate(checkInput([], { examples: 32, probabilityOutput: { rows: 32, bad: 0 } })).verdict).toBe('pass');
    expect(probabilityOutputCheck.evaluate(checkInput([], { examples: 0, error: 'prepare failed' })).detail).toContain('prepare failed');
  });
});
