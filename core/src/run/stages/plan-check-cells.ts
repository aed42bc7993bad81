import type { ExtraCellAttack } from '../../analysis/extra-cells.js';
import { planExtraCells } from '../../analysis/extra-cells.js';
import { headlineEpsilonOf } from '../../analysis/headline-epsilon.js';
import type { CellResult } from '../../store/result-types.js';
import type { DefenseEntry, RunScope } from './run-scope.js';

/**
 * The extra cells the evaluation checks ask for on one defense entry (core/src/analysis/extra-cells.ts), mirroring
 * its `sweepCells` (the plan's cells of that defense): before
 * the defense is prepared `randomizedSurfaces` is empty (unbounded and doubled-steps cells); once prepared, the
 * surfaces that say they are randomized add the doubled-EOT cells. Pure: ids are stable, so planning again gives the
 * same cells, which merge with those an earlier process finished.
 */
export function planCheckCells(scope: RunScope, entry: DefenseEntry, sweepCells: readonly CellResult[], randomizedSurfaces: string[] = []): CellResult[] {
  const attacks: ExtraCellAttack[] = [...scope.attacks.values()].map((attack) => ({
    name: attack.name,
    plugin: attack.loaded.plugin.id,
    options: typeof attack.options === 'object' && attack.options !== null ? (attack.options as Record<string, unknown>) : {},
  }));
  return planExtraCells({
    seed: scope.spec.seed,
    headlineEpsilon: headlineEpsilonOf(scope.spec.epsilons),
    testCount: scope.dataset.info.testCount,
    defense: { name: entry.name, sweepCells: sweepCells.filter((cell) => cell.defense === entry.name), randomizedSurfaces },
    attacks,
  });
}
