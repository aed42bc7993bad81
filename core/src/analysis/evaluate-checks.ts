import type { CellResult, DefenseResult, RunResults } from '../store/result-types.js';
import type { BestKnownPoint, CheckResult, DefenseProbes } from './analysis-types.js';
import { bestKnown } from './best-known.js';
import { EVALUATION_CHECKS } from './check-list.js';
import { headlineEpsilonOf } from './headline-epsilon.js';

/** Runs every check on one defense. A check that throws is recorded as not-run with the error, never skipped. */
export function evaluateChecks(input: { defense: DefenseResult; cells: CellResult[]; probes?: DefenseProbes; classes: number; headlineEpsilon: number }): CheckResult[] {
  return EVALUATION_CHECKS.map((check) => {
    try {
      return check.evaluate(input);
    } catch (error) {
      return { id: check.id, verdict: 'not-run', detail: `the check failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  });
}

/** The checks and best-known accuracy of one defense of a run, from its cells and stored probes. */
export function analyseDefense(results: RunResults, defense: DefenseResult): { checks: CheckResult[]; bestKnown: BestKnownPoint[] } {
  const cells = results.cells.filter((cell) => cell.defense === defense.name);
  const headlineEpsilon = headlineEpsilonOf(results.cells.filter((cell) => cell.extra === undefined).map((cell) => cell.epsilon));
  return {
    checks: evaluateChecks({ defense, cells, probes: defense.probes, classes: results.dataset.classes, headlineEpsilon }),
    bestKnown: bestKnown(cells),
  };
}

/** The ids of the checks that flagged, in check order. */
export function flaggedChecks(checks: readonly CheckResult[] | undefined): CheckResult[] {
  return (checks ?? []).filter((check) => check.verdict === 'flag');
}
