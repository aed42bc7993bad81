import type { AdjacentSignificance } from '@advbench/core';
import { formatEpsilon, formatPercent } from './epsilon-format.js';

/** A p-value as the report prints it: three significant digits, `< 1e-6` below that. */
export function formatPValue(pValue: number): string {
  if (pValue < 1e-6) return '< 1e-6';
  if (pValue >= 0.001) return pValue.toFixed(3);
  return pValue.toExponential(2);
}

/** The test's name in words. */
export function testName(pair: AdjacentSignificance): string {
  return pair.test.method === 'mcnemar-exact' ? "McNemar's exact test" : 'exact sign test on per-example correct-fractions';
}

/**
 * One line per adjacent pair for the terminal and the HTML report: `#1 a vs #2 b at ε=8/255: 57.0% vs 41.0% on
 * n=200 paired examples, 40 vs 8 discordant, p = 0.000 (McNemar's exact test): significant at 0.05`.
 */
export function significanceLine(pair: AdjacentSignificance, upperRank: number): string {
  const verdict = pair.significant ? `significant at ${pair.level}` : `not significant at ${pair.level}`;
  const discordant = pair.test.method === 'mcnemar-exact' ? 'discordant' : 'examples better for each';
  return (
    `#${upperRank} ${pair.upper} vs #${upperRank + 1} ${pair.lower} at ε=${formatEpsilon(pair.epsilon)}: ` +
    `${formatPercent(pair.upperAccuracy)}% vs ${formatPercent(pair.lowerAccuracy)}% on n=${pair.test.examples} paired examples, ` +
    `${pair.test.firstBetter} vs ${pair.test.secondBetter} ${discordant}, p = ${formatPValue(pair.test.pValue)} (${testName(pair)}): ${verdict}`
  );
}
