import type { AccuracyEstimate, AdjacentSignificance, CellResult, CheckResult, DefenseResult, RunResults } from '@advbench/core';
import { adjacentSignificance, analyseDefense, bestKnownEstimates, EVALUATION_CHECKS, HEADLINE_EPSILON_LIMIT, headlineEpsilonOf } from '@advbench/core';
import { formatEpsilon } from './epsilon-format.js';
import { wilsonEstimate } from './wilson-estimate.js';

export { HEADLINE_EPSILON_LIMIT, headlineEpsilonOf };

/** A check that flagged a defense, in words for the leaderboard. */
export interface CheckFlag {
  /** The check's id. */
  id: string;
  /** Its title. */
  title: string;
  /** What was measured and what to try (the stored detail). */
  detail: string;
}

/** One point of an accuracy-vs-epsilon curve. */
export interface CurvePoint {
  /** Linf budget on the [0, 1] scale. */
  epsilon: number;
  /** The accuracy, when at least one contributing cell finished. */
  estimate?: AccuracyEstimate;
  /** True when some contributing cell failed or has not finished (the estimate is then an upper bound). */
  partial: boolean;
}

/** Accuracy vs epsilon of one defense under one attack on one surface (the eps = 0 point is clean accuracy). */
export interface AccuracyCurve {
  /** Stable key `${defense}|${attack}|${surface}`. */
  key: string;
  /** Defense entry name. */
  defense: string;
  /** Attack entry name. */
  attack: string;
  /** Surface attacked. */
  surface: string;
  /** Points in ascending epsilon order. */
  points: CurvePoint[];
}

/** Everything the report says about one defense. */
export interface DefenseSummary {
  /** The defense entry as stored. */
  defense: DefenseResult;
  /** 1-based leaderboard rank. */
  rank: number;
  /** Clean accuracy with the real decision rule. */
  clean?: AccuracyEstimate;
  /**
   * Best-known robust accuracy per epsilon of the grid: per example the worst case over every attack and surface
   * (and the checks' extra cells at that epsilon), exact from per-example outcomes.
   */
  worstCase: CurvePoint[];
  /** Best-known accuracy at the headline epsilon (the ranking column). */
  headline?: AccuracyEstimate;
  /** Every evaluation check's verdict (stored with the defense, or decided from the cells for older results). */
  checks: CheckResult[];
  /** The checks that flagged: when any, the row's evaluation is potentially unreliable. */
  flags: CheckFlag[];
  /** Area under the worst-case curve, normalised to [0, 1] over the epsilon range (mean accuracy). */
  area?: number;
  /** One curve per attack x surface. */
  curves: AccuracyCurve[];
  /** Cells of this defense that failed. */
  failedCells: CellResult[];
  /** True when every cell of this defense finished. */
  complete: boolean;
}

/** The numbers a report shows, derived from {@link RunResults}. */
export interface RunSummary {
  /** Every epsilon of the grid, ascending (0 included when clean cells exist). */
  epsilons: number[];
  /** The headline epsilon: the largest of the grid <= 8/255, else the smallest positive one (0 without positive budgets). */
  headlineEpsilon: number;
  /** The ranking rule, in words, as stated on the page. */
  rankingRule: string;
  /** Defenses in leaderboard order. */
  defenses: DefenseSummary[];
  /** Every failed cell, in stored order. */
  failedCells: CellResult[];
  /** Paired significance of each pair of adjacent rows at the headline epsilon (pairs without outcomes left out). */
  significance: AdjacentSignificance[];
}

/**
 * Per-example worst case over `cells` (aligned by example index): an example scores the lowest of its outcomes, so
 * 1 only if it is correct in every cell; for a randomized defense, whose outcomes are fractions of paired judge
 * draws, the fraction under the attack that did best on it (what an attacker choosing per example achieves).
 */
function jointEstimate(cells: CellResult[]): AccuracyEstimate | undefined {
  const usable = cells.filter((cell) => cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
  if (usable.length === 0) {
    const single = cells.find((cell) => cell.status === 'done' && cell.result !== undefined);
    return single?.result;
  }
  if (usable.length === 1 && usable[0].result !== undefined) return usable[0].result;
  const length = Math.min(...usable.map((cell) => cell.outcomes!.length));
  let correct = 0;
  for (let index = 0; index < length; index += 1) correct += Math.min(...usable.map((cell) => cell.outcomes![index]));
  return wilsonEstimate(correct, length);
}

/** A point from the cells that contribute to it. */
function pointOf(epsilon: number, cells: CellResult[]): CurvePoint {
  return { epsilon, estimate: jointEstimate(cells), partial: cells.some((cell) => cell.status !== 'done') };
}

/** Trapezoid area under the points with an estimate, divided by the epsilon range: a mean accuracy in [0, 1]. */
function normalisedArea(points: CurvePoint[]): number | undefined {
  const known = points.filter((point) => point.estimate !== undefined);
  if (known.length === 0) return undefined;
  if (known.length === 1) return known[0].estimate!.accuracy;
  const range = known[known.length - 1].epsilon - known[0].epsilon;
  if (range <= 0) return known[0].estimate!.accuracy;
  let area = 0;
  for (let index = 1; index < known.length; index += 1) {
    const width = known[index].epsilon - known[index - 1].epsilon;
    area += (width * (known[index].estimate!.accuracy + known[index - 1].estimate!.accuracy)) / 2;
  }
  return area / range;
}

/** Sort key comparison: larger first, undefined last. */
function compareDescending(left: number | undefined, right: number | undefined): number {
  if (left === undefined && right === undefined) return 0;
  if (left === undefined) return 1;
  if (right === undefined) return -1;
  return right - left;
}

/** Summarises one defense (rank filled in later). */
function summarizeDefense(results: RunResults, defense: DefenseResult, epsilons: number[], headlineEpsilon: number): DefenseSummary {
  const everyCell = results.cells.filter((cell) => cell.defense === defense.name);
  const own = everyCell.filter((cell) => cell.extra === undefined);
  const cleanCells = own.filter((cell) => cell.epsilon === 0);
  const attacked = own.filter((cell) => cell.epsilon > 0);
  const cleanPoint = pointOf(0, cleanCells);
  const clean = defense.cleanAccuracy ?? cleanPoint.estimate;
  const known = bestKnownEstimates(everyCell);
  const worstCase = epsilons.map((epsilon): CurvePoint => {
    if (epsilon === 0) return { ...cleanPoint, estimate: clean };
    const point = known.find((candidate) => candidate.epsilon === epsilon);
    return point ? { epsilon, estimate: point.estimate, partial: point.partial } : pointOf(epsilon, own.filter((cell) => cell.epsilon === epsilon));
  });
  const checks = defense.checks ?? analyseDefense(results, defense).checks;
  const flags = checks
    .filter((check) => check.verdict === 'flag')
    .map((check) => ({ id: check.id, title: EVALUATION_CHECKS.find((candidate) => candidate.id === check.id)?.title ?? check.id, detail: check.detail }));
  const curveKeys = [...new Set(attacked.map((cell) => `${cell.defense}|${cell.attack}|${cell.surface}`))];
  const curves = curveKeys.map((key): AccuracyCurve => {
    const curveCells = attacked.filter((cell) => `${cell.defense}|${cell.attack}|${cell.surface}` === key);
    const [, attack, surface] = key.split('|');
    const points = [...new Set(curveCells.map((cell) => cell.epsilon))]
      .sort((left, right) => left - right)
      .map((epsilon) => pointOf(epsilon, curveCells.filter((cell) => cell.epsilon === epsilon)));
    const startPoints: CurvePoint[] = cleanCells.length > 0 || clean !== undefined ? [{ epsilon: 0, estimate: clean, partial: cleanPoint.partial }] : [];
    return { key, defense: defense.name, attack, surface, points: [...startPoints, ...points] };
  });
  const headline = worstCase.find((point) => point.epsilon === headlineEpsilon)?.estimate;
  return {
    defense,
    rank: 0,
    clean,
    worstCase,
    headline,
    area: normalisedArea(worstCase),
    curves,
    checks,
    flags,
    failedCells: everyCell.filter((cell) => cell.status === 'failed'),
    complete: defense.status !== 'failed' && everyCell.every((cell) => cell.status === 'done'),
  };
}

/**
 * Derives the leaderboard and curves from a run's results. Worst case over attacks and surfaces is exact: for a
 * defense and an epsilon an example counts as robust only if it is correct in every cell of that defense at that
 * epsilon (cells are aligned by example index).
 */
export function summarizeRun(results: RunResults): RunSummary {
  const epsilons = [...new Set(results.cells.filter((cell) => cell.extra === undefined).map((cell) => cell.epsilon))].sort((left, right) => left - right);
  const headlineEpsilon = headlineEpsilonOf(epsilons);
  const defenses = results.defenses.map((defense) => summarizeDefense(results, defense, epsilons, headlineEpsilon));
  defenses.sort(
    (left, right) =>
      compareDescending(left.headline?.accuracy, right.headline?.accuracy) ||
      compareDescending(left.area, right.area) ||
      compareDescending(left.clean?.accuracy, right.clean?.accuracy) ||
      left.defense.name.localeCompare(right.defense.name),
  );
  defenses.forEach((summary, index) => {
    summary.rank = index + 1;
  });
  const range = epsilons.length > 0 ? `${formatEpsilon(epsilons[0])}..${formatEpsilon(epsilons[epsilons.length - 1])}` : 'the grid';
  const rankingRule =
    `Ranked by best-known robust accuracy at ε = ${formatEpsilon(headlineEpsilon)} (${headlineEpsilon > HEADLINE_EPSILON_LIMIT + 1e-9 ? 'the smallest ε of the grid, which has none ≤ 8/255' : headlineEpsilon === 0 ? 'clean: the grid has no positive ε' : 'the largest ε ≤ 8/255 in the grid'}; ` +
    'per example the worst case over every attack and every surface at that ε, including the checks\' extra cells), ' +
    `ties broken by the area under the best-known accuracy-vs-ε curve (mean accuracy over ${range}), then by clean accuracy. ` +
    'A row flagged by an evaluation check is marked "evaluation potentially unreliable": its rank rests on attacks the checks found wanting.';
  const significance = adjacentSignificance(results, defenses.map((summary) => summary.defense.name), headlineEpsilon);
  return { epsilons, headlineEpsilon, rankingRule, defenses, failedCells: results.cells.filter((cell) => cell.status === 'failed'), significance };
}

/** The leaderboard's words for a flagged row. */
export const UNRELIABLE_LABEL = 'evaluation potentially unreliable';

/** The flag column's text: `⚑ 3 (zero-gradient, …)` for a flagged row, `ok` when every check that ran passed, else `—`. */
export function flagSummary(entry: Pick<DefenseSummary, 'flags' | 'checks'>): string {
  if (entry.flags.length > 0) return `⚑ ${entry.flags.length}`;
  return entry.checks.some((check) => check.verdict === 'pass') ? 'ok' : '—';
}
