import { describe, expect, it } from 'vitest';
import { planCells } from '../run/cell-plan.js';
import { checkSubset, planExtraCells, strongerSteps, UNBOUNDED_EPSILON } from './extra-cells.js';

const eight = 8 / 255;
const attacks = [
  { name: 'fgsm', plugin: 'pgd', options: { steps: 1, restarts: 1, eotSamples: 1 } },
  { name: 'pgd', plugin: 'pgd', options: { steps: 20, restarts: 1, eotSamples: 4 } },
  { name: 'square', plugin: 'square', options: { queries: 1000 } },
];
const sweep = planCells({ seed: 0, epsilons: [0, 2 / 255, eight], defenses: [{ name: 'inn', surfaces: ['inn1', 'full'] }], attacks: attacks.map(({ name, plugin }) => ({ name, plugin })) });

describe('planExtraCells', () => {
  it('mirrors the sweep: unbounded and doubled steps on every attacked surface, with the first iterative white-box attack', () => {
    const cells = planExtraCells({ seed: 0, headlineEpsilon: eight, testCount: 500, defense: { name: 'inn', sweepCells: sweep, randomizedSurfaces: [] }, attacks });
    expect(cells.map((cell) => [cell.extra!.check, cell.attack, cell.surface, cell.epsilon])).toEqual([
      ['unbounded-not-broken', 'pgd', 'inn1', UNBOUNDED_EPSILON],
      ['steps-not-converged', 'pgd', 'inn1', eight],
      ['unbounded-not-broken', 'pgd', 'full', UNBOUNDED_EPSILON],
      ['steps-not-converged', 'pgd', 'full', eight],
    ]);
    const steps = cells.find((cell) => cell.extra!.check === 'steps-not-converged')!;
    expect(steps.extra).toEqual({ check: 'steps-not-converged', overrides: { steps: 40 }, baseline: `inn|pgd|inn1|${eight}` });
    expect(sweep.map((cell) => cell.id)).toContain(steps.extra!.baseline);
    expect(steps.examples).toEqual(checkSubset(500));
    expect(steps.examples).toHaveLength(200);
  });

  it('adds doubled EOT only on randomized surfaces, once they are known', () => {
    const cells = planExtraCells({ seed: 0, headlineEpsilon: eight, testCount: 500, defense: { name: 'inn', sweepCells: sweep, randomizedSurfaces: ['full'] }, attacks });
    const eot = cells.filter((cell) => cell.extra!.check === 'eot-not-converged');
    expect(eot.map((cell) => [cell.attack, cell.surface, cell.extra!.overrides])).toEqual([
      ['fgsm', 'full', { eotSamples: 2 }],
      ['pgd', 'full', { eotSamples: 8 }],
    ]);
  });

  it('plans nothing without a positive headline epsilon or a white-box attack, and ids are stable', () => {
    expect(planExtraCells({ seed: 0, headlineEpsilon: 0, testCount: 500, defense: { name: 'inn', sweepCells: sweep, randomizedSurfaces: [] }, attacks })).toEqual([]);
    const blackBoxOnly = planCells({ seed: 0, epsilons: [0, eight], defenses: [{ name: 'd', surfaces: ['full'] }], attacks: [{ name: 'square', plugin: 'square' }] });
    expect(planExtraCells({ seed: 0, headlineEpsilon: eight, testCount: 32, defense: { name: 'd', sweepCells: blackBoxOnly, randomizedSurfaces: [] }, attacks })).toEqual([]);
    const again = (seed: number) => planExtraCells({ seed, headlineEpsilon: eight, testCount: 500, defense: { name: 'inn', sweepCells: sweep, randomizedSurfaces: [] }, attacks });
    expect(again(0)).toEqual(again(0));
    expect(again(1)[0].seed).not.toBe(again(0)[0].seed);
  });
});

describe('checkSubset and strongerSteps', () => {
  it('spreads the subset evenly and keeps small test sets whole', () => {
    expect(checkSubset(10, 4)).toEqual([0, 2, 5, 7]);
    expect(checkSubset(32)).toEqual(Array.from({ length: 32 }, (_, index) => index));
  });
  it('doubles steps or iterations, else adds a restart', () => {
    expect(strongerSteps({ steps: 10, restarts: 2 })).toEqual({ steps: 20 });
    expect(strongerSteps({ iterations: 100 })).toEqual({ iterations: 200 });
    expect(strongerSteps({ restarts: 1 })).toEqual({ restarts: 2 });
    expect(strongerSteps({ queries: 5 })).toBeUndefined();
  });
});
