import Table from 'cli-table3';
import type { RunResults } from '@advbench/core';
import { formatEpsilon, formatPercent } from '../analysis/epsilon-format.js';
import { evaluationText } from '../analysis/evaluation-text.js';
import { budgetSeconds } from '../analysis/budget-text.js';
import { significanceLine } from '../analysis/significance-text.js';
import { flagSummary, summarizeRun, UNRELIABLE_LABEL } from '../analysis/summarize-run.js';

/**
 * The end-of-run leaderboard as a plain-text table (cli-table3, no colours): defenses in rank order, clean
 * accuracy, best-known accuracy at each eps (a trailing * = incomplete), AUC, training cost and the evaluation
 * checks' flag column, each defense followed by one row per attack x surface; randomized defenses are marked, with
 * how they were attacked and judged; under the table the paired significance of each pair of adjacent rows at the
 * headline eps, and each flagged row's reasons in words, with what to try.
 */
export function renderLeaderboardTable(results: RunResults): string {
  const summary = summarizeRun(results);
  const epsilons = summary.epsilons.filter((epsilon) => epsilon > 0);
  const table = new Table({
    head: ['#', 'defense', 'clean %', ...epsilons.map((epsilon) => `ε=${formatEpsilon(epsilon)}${epsilon === summary.headlineEpsilon ? ' ◆' : ''}`), 'AUC %', 'training s (total)', 'status', 'checks'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const entry of summary.defenses) {
    table.push([
      String(entry.rank),
      `${entry.defense.name}${entry.defense.evaluation?.randomized ? ' (randomized)' : ''}${entry.flags.length > 0 ? ' ⚑' : ''}`,
      entry.clean === undefined ? '—' : formatPercent(entry.clean.accuracy),
      ...entry.worstCase.filter((point) => point.epsilon > 0).map((point) => (point.estimate === undefined ? '—' : formatPercent(point.estimate.accuracy) + (point.partial ? '*' : ''))),
      entry.area === undefined ? '—' : formatPercent(entry.area),
      budgetSeconds(entry.defense),
      entry.defense.status === 'failed' || entry.failedCells.length > 0 ? 'failed' : entry.complete ? 'done' : 'incomplete',
      flagSummary(entry),
    ]);
    // Each attack x surface under the worst case it contributes to.
    for (const curve of entry.curves) {
      const values = epsilons.map((epsilon) => {
        const point = curve.points.find((candidate) => candidate.epsilon === epsilon);
        return point?.estimate === undefined ? '—' : formatPercent(point.estimate.accuracy) + (point.partial ? '*' : '');
      });
      table.push(['', `  ↳ ${curve.attack} · ${curve.surface}`, '', ...values, '', '', '', '']);
    }
  }
  const notes = [`◆ headline ε; ε columns: best-known accuracy. ${summary.rankingRule} Rows marked ↳ are single attacks and surfaces.`];
  for (const entry of summary.defenses) {
    const text = evaluationText(entry.defense);
    if (entry.defense.evaluation?.randomized && text) notes.push(`${entry.defense.name}: ${text}; accuracies are means of per-example fractions of draws.`);
  }
  if (summary.significance.length > 0) notes.push('Adjacent rows, paired test on per-example best-known outcomes:');
  for (const pair of summary.significance) {
    const rank = summary.defenses.find((entry) => entry.defense.name === pair.upper)?.rank ?? 0;
    notes.push(`  ${significanceLine(pair, rank)}`);
  }
  for (const entry of summary.defenses.filter((candidate) => candidate.flags.length > 0)) {
    notes.push(`⚑ #${entry.rank} ${entry.defense.name}: ${UNRELIABLE_LABEL}:`);
    for (const flag of entry.flags) notes.push(`  - ${flag.id} (${flag.title}): ${flag.detail}`);
  }
  if (summary.failedCells.length > 0) notes.push(`* incomplete: ${summary.failedCells.length} cell(s) failed (see report.html).`);
  return `${table.toString()}\n${notes.join('\n')}\n`;
}
