import { describe, expect, it } from 'vitest';
import { CLEAN_SURFACE, planCells } from './cell-plan.js';

const epsilons = [0, 8 / 255, 16 / 255];

describe('planCells', () => {
  it('plans a surface-independent attack once per defense and epsilon, on the decision rule', () => {
    const cells = planCells({
      seed: 0,
      epsilons,
      defenses: [{ name: 'inn', surfaces: ['inn1', 'inn2'] }],
      attacks: [
        { name: 'pgd', plugin: 'pgd' },
        { name: 'transfer', plugin: 'transfer', surfaceIndependent: true },
      ],
    });
    const transfer = cells.filter((cell) => cell.attack === 'transfer');
    expect(transfer.map((cell) => cell.surface)).toEqual([CLEAN_SURFACE, CLEAN_SURFACE]);
    expect(transfer.map((cell) => cell.epsilon)).toEqual([8 / 255, 16 / 255]);
    expect(cells.filter((cell) => cell.attack === 'pgd').map((cell) => cell.surface)).toEqual(['inn1', 'inn1', 'inn2', 'inn2']);
    expect(new Set(cells.map((cell) => cell.id)).size).toBe(cells.length);
  });

  it('leaves an adaptive-only attack to its adaptive variant on an adaptive defense, and keeps it on a deterministic one', () => {
    const attacks = [
      { name: 'pgd', plugin: 'pgd' },
      { name: 'autoattack', plugin: 'autoattack', adaptiveOnly: true },
      { name: 'pgd+eot', plugin: 'pgd', adaptive: true },
      { name: 'autoattack+eot', plugin: 'autoattack', adaptive: true },
    ];
    const cells = planCells({
      seed: 0,
      epsilons,
      defenses: [
        { name: 'inn', surfaces: ['inn1', 'inn2'], adaptive: true },
        { name: 'none', surfaces: ['full'] },
      ],
      attacks,
    });
    const of = (defense: string) => cells.filter((cell) => cell.defense === defense && cell.epsilon > 0).map((cell) => `${cell.attack}@${cell.surface}`);
    expect(new Set(of('inn'))).toEqual(new Set(['pgd@inn1', 'pgd@inn2', 'pgd+eot@full', 'autoattack+eot@full']));
    expect(new Set(of('none'))).toEqual(new Set(['pgd@full', 'autoattack@full']));
    expect(cells.filter((cell) => cell.epsilon === 0).map((cell) => cell.defense)).toEqual(['inn', 'none']);
  });
});
