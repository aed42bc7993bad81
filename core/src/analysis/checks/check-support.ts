import type { AccuracyEstimate, CellResult } from '../../store/result-types.js';
import type { CheckId, CheckInput, CheckResult, CheckVerdict } from '../analysis-types.js';
import { formatBudget } from '../format-budget.js';
import { memberCells } from '../member-cells.js';
import { clearlyBelow, describeEstimate, estimateOutcomes, outcomesByExample, pairedEstimate } from '../outcome-statistics.js';

/** A verdict object. */
export function verdict(id: CheckId, decided: CheckVerdict, detail: string): CheckResult {
  return { id, verdict: decided, detail };
}

/** The finished sweep cells of the defense at a positive epsilon (no extra cells), with per-example outcomes. */
export function finishedAttackCells(input: CheckInput): CellResult[] {
  return input.cells.filter((cell) => cell.extra === undefined && cell.epsilon > 0 && cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
}

/** The finished clean cell of the defense (eps = 0, no attack), if any. */
export function finishedCleanCell(input: CheckInput): CellResult | undefined {
  return input.cells.find((cell) => cell.extra === undefined && cell.epsilon === 0 && cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
}

/** The finished extra cells a check asked for. */
export function finishedExtraCells(input: CheckInput, check: CheckId): CellResult[] {
  return input.cells.filter((cell) => cell.extra?.check === check && cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
}

/** Why a check's extra cells did not give a verdict: none planned, not finished yet, or failed (with the error). */
export function missingExtraReason(input: CheckInput, check: CheckId, whenNonePlanned: string): string {
  const planned = input.cells.filter((cell) => cell.extra?.check === check);
  if (planned.length === 0) return whenNonePlanned;
  const failed = planned.find((cell) => cell.status === 'failed');
  if (failed) return `its extra cell ${failed.id} failed: ${failed.error ?? 'no message'}`;
  return `its extra cell${planned.length > 1 ? 's have' : ' has'} not run yet`;
}

/** `pgd on full at ε=8/255`: a cell in words. */
export function cellLabel(cell: CellResult): string {
  return `${cell.attack} on ${cell.surface} at ε=${formatBudget(cell.epsilon)}`;
}

/** The per-example worst case over several cells, on the examples all of them evaluated. */
export function jointWorstCase(cells: readonly CellResult[]): AccuracyEstimate | undefined {
  const maps = cells.map(outcomesByExample).filter((map) => map.size > 0);
  if (maps.length === 0) return undefined;
  const values: number[] = [];
  for (const [example, first] of maps[0]) {
    let worst = first;
    let covered = true;
    for (const map of maps.slice(1)) {
      const value = map.get(example);
      if (value === undefined) {
        covered = false;
        break;
      }
      worst = Math.min(worst, value);
    }
    if (covered) values.push(worst);
  }
  return values.length === 0 ? undefined : estimateOutcomes(values);
}

/** One comparison that flagged: the weaker-looking family's cell, the stronger one's, and both estimates. */
interface FlaggedGap {
  lower: CellResult;
  upper: CellResult;
  lowerEstimate: AccuracyEstimate;
  upperEstimate: AccuracyEstimate;
}

/**
 * The shared rule of the "X beats Y" checks: at each epsilon where both families have finished cells, the lowest
 * accuracy of the `lower` family (the attack that should not win) against the lowest of the `upper` family (the
 * attacks that should be strongest); flag when the first is below the second beyond the interval (disjoint 95% Wilson
 * intervals, on the same examples). The detail names the largest gap; not-run when no epsilon has both families.
 */
export function compareFamilies(
  input: CheckInput,
  id: CheckId,
  families: { lower: (cell: CellResult) => boolean; upper: (cell: CellResult) => boolean; lowerName: string; upperName: string; missing: string; remedy: string },
): CheckResult {
  // A composite's members count as cells of their own attack (their running accuracy: memberCells).
  const cells = finishedAttackCells(input).flatMap((cell) => [cell, ...memberCells(cell)]);
  const epsilons = [...new Set(cells.map((cell) => cell.epsilon))].sort((left, right) => left - right);
  let compared = 0;
  let widest: FlaggedGap | undefined;
  let closest: FlaggedGap | undefined;
  for (const epsilon of epsilons) {
    const atEpsilon = cells.filter((cell) => cell.epsilon === epsilon);
    const lower = lowest(atEpsilon.filter(families.lower));
    const upper = lowest(atEpsilon.filter(families.upper));
    if (!lower || !upper) continue;
    const lowerEstimate = pairedEstimate(lower, pairedEstimate(upper)?.examples);
    const upperEstimate = pairedEstimate(upper, lowerEstimate?.examples);
    if (!lowerEstimate || !upperEstimate) continue;
    compared += 1;
    const gap = { lower, upper, lowerEstimate, upperEstimate };
    if (clearlyBelow(lowerEstimate, upperEstimate)) {
      if (!widest || upperEstimate.accuracy - lowerEstimate.accuracy > widest.upperEstimate.accuracy - widest.lowerEstimate.accuracy) widest = gap;
    } else if (!closest || upperEstimate.accuracy - lowerEstimate.accuracy > closest.upperEstimate.accuracy - closest.lowerEstimate.accuracy) {
      closest = gap;
    }
  }
  if (compared === 0) return verdict(id, 'not-run', families.missing);
  if (widest) {
    return verdict(
      id,
      'flag',
      `${families.lowerName} ${cellLabel(widest.lower)}: ${describeEstimate(widest.lowerEstimate)}, below the best ${families.upperName} ${cellLabel(widest.upper)}: ${describeEstimate(widest.upperEstimate)}, beyond the interval. ${families.remedy}`,
    );
  }
  const note = closest ? `; largest gap ${cellLabel(closest.lower)} ${describeEstimate(closest.lowerEstimate)} vs ${cellLabel(closest.upper)} ${describeEstimate(closest.upperEstimate)}` : '';
  return verdict(id, 'pass', `${families.lowerName} never below the best ${families.upperName} beyond the interval at ${compared} ε value(s)${note}`);
}

/** The cell with the lowest accuracy (undefined for none). */
export function lowest(cells: readonly CellResult[]): CellResult | undefined {
  let best: CellResult | undefined;
  for (const cell of cells) {
    const accuracy = pairedEstimate(cell)?.accuracy;
    if (accuracy === undefined) continue;
    if (!best || accuracy < pairedEstimate(best)!.accuracy) best = cell;
  }
  return best;
}
