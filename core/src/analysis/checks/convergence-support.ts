import type { CellResult } from '../../store/result-types.js';
import type { CheckId, CheckInput, CheckResult } from '../analysis-types.js';
import { clearlyBelow, describeEstimate, pairedEstimate } from '../outcome-statistics.js';
import { cellLabel, finishedExtraCells, missingExtraReason, verdict } from './check-support.js';

/**
 * The shared rule of the convergence checks: each extra cell repeats its baseline sweep cell with a stronger
 * setting on the checks' subset; flag when it lowers accuracy beyond the interval, comparing both cells on the
 * subset's examples (disjoint 95% Wilson intervals).
 */
export function compareWithBaseline(input: CheckInput, id: CheckId, change: string, notPlanned: string, remedy: string): CheckResult {
  const extras = finishedExtraCells(input, id);
  const compared: Array<{ extra: CellResult; baseline: CellResult; drop: number; text: string; flagged: boolean }> = [];
  for (const extra of extras) {
    const baseline = input.cells.find((cell) => cell.id === extra.extra?.baseline);
    if (!baseline) continue;
    const stronger = pairedEstimate(extra);
    const original = stronger && pairedEstimate(baseline, stronger.examples);
    if (!stronger || !original) continue;
    compared.push({
      extra,
      baseline,
      drop: original.accuracy - stronger.accuracy,
      flagged: clearlyBelow(stronger, original),
      text: `${cellLabel(baseline)}: ${describeEstimate(original)} -> ${describeEstimate(stronger)} with ${change} (${Object.entries(extra.extra?.overrides ?? {}).map(([key, value]) => `${key} ${String(value)}`).join(', ')})`,
    });
  }
  if (compared.length === 0) return verdict(id, 'not-run', missingExtraReason(input, id, notPlanned));
  const flagged = compared.filter((entry) => entry.flagged);
  if (flagged.length > 0) return verdict(id, 'flag', `${flagged.map((entry) => entry.text).join('; ')}: lower beyond the interval. ${remedy}`);
  const largest = [...compared].sort((left, right) => right.drop - left.drop)[0];
  return verdict(id, 'pass', `${largest.text}: within the interval`);
}
