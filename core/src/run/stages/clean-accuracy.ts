import type { AccuracyEstimate, CellResult } from '../../store/result-types.js';
import { CLEAN_ATTACK } from '../cell-plan.js';

/**
 * A defense's clean accuracy: the result of its one finished clean cell (eps = 0, no attack, judged once with the
 * real decision rule over the paired judge draws), or undefined while it has none. Derived from the cells, so a
 * resumed or repeated run reports exactly what the first one did.
 */
export function cleanAccuracyOf(cells: readonly CellResult[], defense: string): AccuracyEstimate | undefined {
  return cells.find((cell) => cell.defense === defense && cell.attack === CLEAN_ATTACK && cell.status === 'done')?.result;
}
