import { cellId, cellSeed } from '../run/cell-plan.js';
import type { CellResult } from '../store/result-types.js';
import type { CheckId } from './analysis-types.js';
import { attackPluginKind } from './attack-kind.js';

/** The unbounded check's budget: half the [0, 1] pixel range, enough to turn any image into another class's. */
export const UNBOUNDED_EPSILON = 0.5;

/** Examples the checks' extra cells evaluate (fewer when the run has fewer test examples). */
export const CHECK_SUBSET_SIZE = 200;

/** An attack entry as the extra-cell planner sees it: its resolved options decide what can be doubled. */
export interface ExtraCellAttack {
  /** Entry name. */
  name: string;
  /** Plugin id. */
  plugin: string;
  /** Resolved options (after the plugin's parseOptions). */
  options: Record<string, unknown>;
}

/** A defense as the extra-cell planner sees it. */
export interface ExtraCellDefense {
  /** Entry name. */
  name: string;
  /** Its sweep cells as planned (the extra cells mirror the attacks and surfaces these attack). */
  sweepCells: readonly CellResult[];
  /** The attacked surfaces that draw randomness (known after prepare; empty before). */
  randomizedSurfaces: string[];
}

/**
 * The checks' subset: `size` test-example indices spread evenly over the test set (`floor(k * count / size)`),
 * ascending. The same for every defense and every run with the same test count, so extra cells pair with sweep cells.
 */
export function checkSubset(testCount: number, size: number = CHECK_SUBSET_SIZE): number[] {
  const chosen = Math.min(size, testCount);
  return Array.from({ length: chosen }, (_, index) => Math.floor((index * testCount) / chosen));
}

/** A stronger setting of the attack for the steps check: doubled `steps` (or `iterations`), else one more restart. */
export function strongerSteps(options: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof options.steps === 'number') return { steps: options.steps * 2 };
  if (typeof options.iterations === 'number') return { iterations: options.iterations * 2 };
  if (typeof options.restarts === 'number') return { restarts: options.restarts + 1 };
  return undefined;
}

function isIterativeWhiteBox(attack: ExtraCellAttack): boolean {
  const kind = attackPluginKind(attack.plugin, attack.options);
  return kind.threatModel === 'white-box' && !kind.singleStep;
}

function extraCell(seed: number, defense: string, attack: ExtraCellAttack, surface: string, epsilon: number, check: CheckId, overrides: Record<string, unknown>, examples: number[], baseline?: string): CellResult {
  const id = `${cellId(defense, attack.name, surface, epsilon)}|check:${check}`;
  return {
    id,
    defense,
    attack: attack.name,
    attackPlugin: attack.plugin,
    surface,
    epsilon,
    status: 'pending',
    seconds: 0,
    attackSettings: {},
    seed: cellSeed(seed, id),
    projectionCorrections: 0,
    examples,
    extra: { check, overrides, ...(baseline === undefined ? {} : { baseline }) },
  };
}

/**
 * The extra cells the evaluation checks ask for, for one defense, all on the checks' subset, mirroring the attacks
 * and surfaces of its sweep cells:
 * - `unbounded-not-broken`: on every attacked surface, the first white-box attack of the run attacking it (iterative
 *   if there is one) at {@link UNBOUNDED_EPSILON};
 * - `steps-not-converged`: on every attacked surface, the first iterative white-box attack with a steps setting,
 *   with {@link strongerSteps}, at the headline ε;
 * - `eot-not-converged`: on every randomized attacked surface (known once the defense is prepared), each attack with
 *   an `eotSamples` option, doubled, at the headline ε.
 * The convergence cells need their baseline sweep cell (same attack, surface and headline ε). Cost: at most 2 cells
 * per attacked surface plus one per EOT attack on a randomized one, each on at most {@link CHECK_SUBSET_SIZE} examples.
 */
export function planExtraCells(input: { seed: number; headlineEpsilon: number; testCount: number; subsetSize?: number; defense: ExtraCellDefense; attacks: ExtraCellAttack[] }): CellResult[] {
  const examples = checkSubset(input.testCount, input.subsetSize);
  const cells: CellResult[] = [];
  const { defense, headlineEpsilon } = input;
  if (examples.length === 0 || headlineEpsilon <= 0) return cells;
  const attacked = defense.sweepCells.filter((cell) => cell.epsilon > 0 && cell.extra === undefined);
  const surfaces = [...new Set(attacked.map((cell) => cell.surface))];
  const baseline = (attack: ExtraCellAttack, surface: string) => attacked.find((cell) => cell.attack === attack.name && cell.surface === surface && Math.abs(cell.epsilon - headlineEpsilon) < 1e-12)?.id;
  for (const surface of surfaces) {
    const here = new Set(attacked.filter((cell) => cell.surface === surface).map((cell) => cell.attack));
    const whiteBox = input.attacks.filter((attack) => here.has(attack.name) && attackPluginKind(attack.plugin, attack.options).threatModel === 'white-box');
    const iterative = whiteBox.filter(isIterativeWhiteBox);
    const unbounded = iterative[0] ?? whiteBox[0];
    if (unbounded) cells.push(extraCell(input.seed, defense.name, unbounded, surface, UNBOUNDED_EPSILON, 'unbounded-not-broken', {}, examples));
    const stepper = iterative.find((attack) => strongerSteps(attack.options) !== undefined && baseline(attack, surface) !== undefined);
    if (stepper) cells.push(extraCell(input.seed, defense.name, stepper, surface, headlineEpsilon, 'steps-not-converged', strongerSteps(stepper.options)!, examples, baseline(stepper, surface)));
    if (!defense.randomizedSurfaces.includes(surface)) continue;
    for (const attack of whiteBox) {
      if (typeof attack.options.eotSamples !== 'number' || baseline(attack, surface) === undefined) continue;
      cells.push(extraCell(input.seed, defense.name, attack, surface, headlineEpsilon, 'eot-not-converged', { eotSamples: attack.options.eotSamples * 2 }, examples, baseline(attack, surface)));
    }
  }
  return cells;
}
