import type { EvaluationCheck } from '../analysis-types.js';
import { clearlyBelow, describeEstimate, pairedEstimate } from '../outcome-statistics.js';
import { cellLabel, finishedAttackCells, finishedCleanCell, verdict } from './check-support.js';

const remedy = 'An attack must never help the defense: check the attack (loss sign, targeted vs untargeted, what it returns) and the harness\'s judging of randomized defenses.';

/** `attack-above-clean`: an attacked cell is more accurate than the clean accuracy: an attack bug. */
export const attackAboveCleanCheck: EvaluationCheck = {
  id: 'attack-above-clean',
  title: 'Attack above clean',
  rule: 'any attack cell whose accuracy is above the clean accuracy beyond the interval (disjoint 95% Wilson intervals on the same examples).',
  meaning: 'The clean image is inside every ε-ball, so an attack that makes the defense more accurate is broken.',
  remedy,
  evaluate(input) {
    const clean = finishedCleanCell(input);
    if (!clean) return verdict('attack-above-clean', 'not-run', 'no finished clean cell (ε = 0 not in the grid, or not run yet)');
    const cells = finishedAttackCells(input);
    if (cells.length === 0) return verdict('attack-above-clean', 'not-run', 'no finished attack cell yet');
    for (const cell of cells) {
      const attacked = pairedEstimate(cell);
      const reference = attacked && pairedEstimate(clean, attacked.examples);
      if (attacked && reference && clearlyBelow(reference, attacked)) {
        return verdict('attack-above-clean', 'flag', `${cellLabel(cell)}: ${describeEstimate(attacked)}, above clean ${describeEstimate(reference)} beyond the interval. ${remedy}`);
      }
    }
    return verdict('attack-above-clean', 'pass', `none of ${cells.length} attack cells is above clean ${describeEstimate(pairedEstimate(clean)!)} beyond the interval`);
  },
};
