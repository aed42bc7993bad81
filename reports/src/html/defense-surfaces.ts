import type { RunResults } from '@advbench/core';

/** One defense's decision rule and surfaces, as the report's "Decision rules and surfaces" table shows them. */
export interface DefenseSurfacesRow {
  /** Defense entry name. */
  defense: string;
  /** `randomized`, `deterministic`, or `not recorded` (not prepared yet, or a run from before this was recorded). */
  rule: string;
  /** Each offered surface; empty when not recorded. */
  surfaces: Array<{ name: string; description: string; output: string; randomness: string; exactness: string; attacked: boolean }>;
}

/**
 * What each defense declared after prepare: whether its decision rule is randomized, and for each surface its
 * description, output kind, randomness and whether it is exact (the rule itself) or a surrogate.
 */
export function defenseSurfaceRows(results: RunResults): DefenseSurfacesRow[] {
  return results.defenses.map((defense) => {
    const attacked = new Set(results.cells.filter((cell) => cell.defense === defense.name).map((cell) => cell.surface));
    return {
      defense: defense.name,
      rule: defense.randomized === undefined ? 'not recorded' : defense.randomized ? 'randomized' : 'deterministic',
      surfaces: (defense.surfaceDetails ?? []).map((surface) => ({
        name: surface.name,
        description: surface.description,
        output: surface.output,
        randomness: surface.randomized ? 'randomized' : 'deterministic',
        exactness: surface.exact ? 'exact (the decision rule)' : 'surrogate',
        attacked: attacked.has(surface.name),
      })),
    };
  });
}
