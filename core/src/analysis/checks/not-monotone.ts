import type { CellResult } from '../../store/result-types.js';
import type { EvaluationCheck } from '../analysis-types.js';
import { bestKnownEstimates } from '../best-known.js';
import { formatBudget } from '../format-budget.js';
import { clearlyBelow, describeEstimate, pairedEstimate } from '../outcome-statistics.js';
import { finishedAttackCells, verdict } from './check-support.js';

const remedy = 'A larger budget contains every smaller one: the attack is not converging at the larger ε (step size, steps, masked gradients); use more steps or restarts, or APGD.';

/** `not-monotone`: accuracy rises with epsilon, which a working attack can never allow. */
export const notMonotoneCheck: EvaluationCheck = {
  id: 'not-monotone',
  title: 'Accuracy rises with ε',
  rule: 'for every attack x surface curve, and for best-known accuracy between budgets attacked by the same attacks and surfaces: flag when the accuracy at a larger ε is above that at a smaller ε beyond the interval (disjoint 95% Wilson intervals).',
  meaning: 'The ε-ball at a larger budget holds every perturbation of a smaller one, so a working attack\'s accuracy can only fall with ε.',
  remedy,
  evaluate(input) {
    const cells = finishedAttackCells(input);
    const curves = new Map<string, CellResult[]>();
    for (const cell of cells) {
      const key = `${cell.attack} on ${cell.surface}`;
      curves.set(key, [...(curves.get(key) ?? []), cell]);
    }
    const series: Array<{ name: string; points: Array<{ epsilon: number; estimate: ReturnType<typeof pairedEstimate> }> }> = [...curves].map(([name, curve]) => ({
      name,
      points: curve.map((cell) => ({ epsilon: cell.epsilon, estimate: pairedEstimate(cell) })),
    }));
    // Best-known only over the epsilons attacked by the same attacks and surfaces (otherwise a rise is the plan's, not the defense's).
    const attackSet = (epsilon: number) => [...new Set(cells.filter((cell) => cell.epsilon === epsilon).map((cell) => `${cell.attack}|${cell.surface}`))].sort().join(',');
    const known = bestKnownEstimates(input.cells).filter((point) => point.epsilon > 0);
    const groups = new Map<string, typeof known>();
    for (const point of known) groups.set(attackSet(point.epsilon), [...(groups.get(attackSet(point.epsilon)) ?? []), point]);
    for (const group of groups.values()) {
      series.push({ name: 'best-known', points: group.map((point) => ({ epsilon: point.epsilon, estimate: { ...point.estimate, examples: [] } })) });
    }
    let pairs = 0;
    for (const curve of series) {
      const points = curve.points.filter((point) => point.estimate !== undefined).sort((left, right) => left.epsilon - right.epsilon);
      for (let small = 0; small < points.length; small += 1) {
        for (let large = small + 1; large < points.length; large += 1) {
          pairs += 1;
          if (clearlyBelow(points[small].estimate!, points[large].estimate!)) {
            return verdict(
              'not-monotone',
              'flag',
              `${curve.name}: ${describeEstimate(points[large].estimate!)} at ε=${formatBudget(points[large].epsilon)}, above ${describeEstimate(points[small].estimate!)} at ε=${formatBudget(points[small].epsilon)} beyond the interval. ${remedy}`,
            );
          }
        }
      }
    }
    if (pairs === 0) return verdict('not-monotone', 'not-run', 'needs finished cells at two positive ε of one attack and surface');
    return verdict('not-monotone', 'pass', `no curve rises with ε beyond the interval (${pairs} pairs of ε compared)`);
  },
};
