import type { CellResult } from '../store/result-types.js';
import { hashString } from '../random/seeded-random.js';

/** Attack name of the eps = 0 cells, which run no attack. */
export const CLEAN_ATTACK = 'clean';

/** Surface name of a defense's one clean cell: no surface is attacked, the decision rule judges the clean images. */
export const CLEAN_SURFACE = 'decision-rule';

/** The surface every randomized defense's adaptive (EOT) cells attack: the whole decision rule. */
export const ADAPTIVE_SURFACE = 'full';

/** A defense as the planner sees it. */
export interface PlannedDefense {
  /** Entry name. */
  name: string;
  /** Surfaces to attack. */
  surfaces: string[];
  /** True when the defense's classifier is randomized and it offers `full`: it also gets the adaptive cells. */
  adaptive?: boolean;
}

/** An attack as the planner sees it. */
export interface PlannedAttack {
  /** Entry name. */
  name: string;
  /** Plugin id. */
  plugin: string;
  /** True for an adaptive (EOT) variant: planned only on adaptive defenses' `full` surface. */
  adaptive?: boolean;
  /**
   * True for an attack that never reads the attacked surface (a transfer attack, a score-based black-box one: it
   * queries `classifier.predict` or crafts on a source): planned once per defense and epsilon, on the decision rule
   * ({@link CLEAN_SURFACE}), instead of once per surface with identical results.
   */
  surfaceIndependent?: boolean;
  /**
   * True when the attack entry asks for its adaptive variant only (`adaptiveOnly` in the config): on a defense that
   * gets adaptive cells it runs as `<attack>+eot` on `full` and not on the defense's other surfaces.
   */
  adaptiveOnly?: boolean;
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
 * The seed of the judge stream of a batch of test examples: a function of the master seed, the defense entry and
 * the examples' positions (first position and count), never of the cell. Every cell of a defense batches the test
 * split alike, so an example meets the same judge draws in every cell: outcomes are paired across cells.
 */
export function judgeSeed(masterSeed: number, defense: string, firstPosition: number, count: number): number {
  return hashString(`${masterSeed}|judge|${defense}|${firstPosition}|${count}`);
}

/**
 * Plans every cell of a run as `pending`: for each defense one `clean` cell when 0 is among the epsilons (no
 * attack, judged once with the real decision rule), then each non-adaptive attack on each of its surfaces at each
 * positive epsilon (a surface-independent attack once, on the decision rule; on an adaptive defense, attacks
 * marked `adaptiveOnly` are left to their adaptive variant), then, for an adaptive defense, each adaptive attack on
 * `full` at each positive epsilon.
 */
export function planCells(input: { seed: number; epsilons: number[]; defenses: PlannedDefense[]; attacks: PlannedAttack[] }): CellResult[] {
  const cells: CellResult[] = [];
  const positive = input.epsilons.filter((epsilon) => epsilon > 0);
  const add = (defense: string, attack: string, attackPlugin: string, surface: string, epsilon: number) => {
    const id = cellId(defense, attack, surface, epsilon);
    cells.push({ id, defense, attack, attackPlugin, surface, epsilon, status: 'pending', seconds: 0, attackSettings: {}, seed: cellSeed(input.seed, id), projectionCorrections: 0 });
  };
  for (const defense of input.defenses) {
    if (input.epsilons.includes(0)) add(defense.name, CLEAN_ATTACK, 'none', CLEAN_SURFACE, 0);
    const plain = input.attacks.filter((candidate) => !candidate.adaptive && !(defense.adaptive && candidate.adaptiveOnly));
    for (const surface of defense.surfaces) {
      for (const attack of plain.filter((candidate) => !candidate.surfaceIndependent)) {
        for (const epsilon of positive) add(defense.name, attack.name, attack.plugin, surface, epsilon);
      }
    }
    for (const attack of plain.filter((candidate) => candidate.surfaceIndependent)) {
      for (const epsilon of positive) add(defense.name, attack.name, attack.plugin, CLEAN_SURFACE, epsilon);
    }
    if (!defense.adaptive) continue;
    for (const attack of input.attacks.filter((candidate) => candidate.adaptive)) {
      for (const epsilon of positive) add(defense.name, attack.name, attack.plugin, ADAPTIVE_SURFACE, epsilon);
    }
  }
  return cells;
}
