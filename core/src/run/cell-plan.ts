import type { CellResult } from '../store/result-types.js';
import { hashString } from '../random/seeded-random.js';

/** Attack name of the eps = 0 cells, which run no attack. */
export const CLEAN_ATTACK = 'clean';

/** A defense as the planner sees it. */
export interface PlannedDefense {
  /** Entry name. */
  name: string;
  /** Surfaces to attack. */
  surfaces: string[];
}

/** An attack as the planner sees it. */
export interface PlannedAttack {
  /** Entry name. */
  name: string;
  /** Plugin id. */
  plugin: string;
}

/** The stable id of a cell. */
export function cellId(defense: string, attack: string, surface: string, epsilon: number): string {
  return `${defense}|${attack}|${surface}|${epsilon}`;
}

/** The seed of a cell's random stream: a function of the master seed and the cell id only. */
export function cellSeed(masterSeed: number, id: string): number {
  return hashString(`${masterSeed}|${id}`);
}

/**
 * Plans every cell of a run as `pending`: for each defense and each of its surfaces, one `clean` cell when 0 is
 * among the epsilons (judged with the real decision rule, no attack), then each attack at each positive epsilon.
 */
export function planCells(input: { seed: number; epsilons: number[]; defenses: PlannedDefense[]; attacks: PlannedAttack[] }): CellResult[] {
  const cells: CellResult[] = [];
  const positive = input.epsilons.filter((epsilon) => epsilon > 0);
  const add = (defense: string, attack: string, attackPlugin: string, surface: string, epsilon: number) => {
    const id = cellId(defense, attack, surface, epsilon);
    cells.push({ id, defense, attack, attackPlugin, surface, epsilon, status: 'pending', seconds: 0, attackSettings: {}, seed: cellSeed(input.seed, id), projectionCorrections: 0 });
  };
  for (const defense of input.defenses) {
    for (const surface of defense.surfaces) {
      if (input.epsilons.includes(0)) add(defense.name, CLEAN_ATTACK, 'none', surface, 0);
      for (const attack of input.attacks) {
        for (const epsilon of positive) add(defense.name, attack.name, attack.plugin, surface, epsilon);
      }
    }
  }
  return cells;
}
