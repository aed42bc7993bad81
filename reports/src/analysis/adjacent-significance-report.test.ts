import { describe, expect, it } from 'vitest';
import { bestKnown, leaderboardRanking } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { renderReport } from '../html/render-report.js';
import { renderLeaderboardTable } from '../terminal/leaderboard-table.js';
import { formatPValue } from './significance-text.js';
import { summarizeRun } from './summarize-run.js';

describe('significance of adjacent leaderboard rows in the reports', () => {
  const results = sampleRunResults();
  const summary = summarizeRun(results);

  it('tests each adjacent pair of the leaderboard order at the headline epsilon', () => {
    const order = summary.defenses.map((entry) => entry.defense.name);
    const tested = summary.significance.map((pair) => [pair.upper, pair.lower]);
    for (const [upper, lower] of tested) expect(order.indexOf(lower)).toBe(order.indexOf(upper) + 1);
    expect(summary.significance.length).toBeGreaterThan(0);
    for (const pair of summary.significance) expect(pair.epsilon).toBe(summary.headlineEpsilon);
    for (const pair of summary.significance) {
      expect(pair.test.firstBetter + pair.test.secondBetter + pair.test.ties).toBe(pair.test.examples);
      expect(pair.significant).toBe(pair.test.pValue < 0.05);
    }
  });

  it('orders and tests the rows as results.json does (leaderboardRanking from the stored best-known points)', () => {
    const stored = structuredClone(results);
    for (const defense of stored.defenses) defense.bestKnown = bestKnown(stored.cells.filter((cell) => cell.defense === defense.name));
    const ranking = leaderboardRanking(stored);
    expect(ranking.order).toEqual(summary.defenses.map((entry) => entry.defense.name));
    expect(ranking.adjacent.map((pair) => pair.test.pValue)).toEqual(summary.significance.map((pair) => pair.test.pValue));
  });

  it('shows every pair with its p-value and verdict in the HTML report and the terminal leaderboard', () => {
    const html = renderReport(results);
    const terminal = renderLeaderboardTable(results);
    expect(html).toContain('id="significance-table"');
    for (const pair of summary.significance) {
      expect(html).toContain(`data-upper="${pair.upper}" data-lower="${pair.lower}"`);
      const verdict = pair.significant ? 'significant at 0.05' : 'not significant at 0.05';
      expect(terminal).toContain(`${pair.upper} vs #`);
      expect(terminal).toContain(`p = ${formatPValue(pair.test.pValue)}`);
      expect(terminal).toContain(verdict);
    }
  });
});

describe('formatPValue', () => {
  it('prints three decimals, exponents below 0.001 and a floor below 1e-6', () => {
    expect(formatPValue(0.0625)).toBe('0.063');
    expect(formatPValue(1)).toBe('1.000');
    expect(formatPValue(0.00021)).toBe('2.10e-4');
    expect(formatPValue(1e-9)).toBe('< 1e-6');
  });
});
