import { describe, expect, it } from 'vitest';
import type { CellResult, RunResults } from '@advbench/core';
import { EVALUATION_CHECKS } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { renderReport } from '../html/render-report.js';
import { RunStateMirror } from '../state/run-state-mirror.js';
import { renderLeaderboardTable } from '../terminal/leaderboard-table.js';
import { summarizeRun, UNRELIABLE_LABEL } from './summarize-run.js';
import { wilsonEstimate } from './wilson-estimate.js';

const eight = 8 / 255;

/** A finished cell of defense `masked` with `correct` of 40 examples right. */
function maskedCell(attack: string, plugin: string, epsilon: number, correct: number): CellResult {
  const outcomes = Array.from({ length: 40 }, (_, index) => (index < correct ? 1 : 0));
  return {
    id: `masked|${attack}|full|${epsilon}`,
    defense: 'masked',
    attack,
    attackPlugin: plugin,
    surface: 'full',
    epsilon,
    status: 'done',
    result: wilsonEstimate(correct, 40),
    outcomes,
    seconds: 1,
    attackSettings: plugin === 'pgd' ? { steps: 10, loss: 'cross-entropy' } : {},
    seed: 1,
    projectionCorrections: 0,
  };
}

/** The sample run plus a defense that PGD cannot move but Square breaks: the black-box check must flag it. */
function runWithMaskedDefense(): RunResults {
  const results = sampleRunResults();
  results.defenses.push({ name: 'masked', plugin: 'planted', pluginVersion: '1.0.0', options: {}, description: {}, surfaces: ['full'], status: 'done' });
  results.cells.push(maskedCell('clean', 'none', 0, 38), maskedCell('pgd', 'pgd', eight, 37), maskedCell('square', 'square', eight, 2));
  return results;
}

describe('flagged rows', () => {
  const results = runWithMaskedDefense();

  it('rank by best-known accuracy, which includes the attack that exposed the defense, and carry the flag', () => {
    const masked = summarizeRun(results).defenses.find((entry) => entry.defense.name === 'masked')!;
    expect(masked.headline!.accuracy).toBeCloseTo(2 / 40);
    expect(masked.flags.map((flag) => flag.id)).toEqual(['black-box-beats-white-box']);
    expect(masked.rank).toBe(summarizeRun(results).defenses.length);
  });

  it('say "evaluation potentially unreliable" with the reason and what to try, in the terminal and the report', () => {
    const table = renderLeaderboardTable(results);
    expect(table).toContain('masked ⚑');
    expect(table).toMatch(new RegExp(`masked: ${UNRELIABLE_LABEL}:\\n  - black-box-beats-white-box \\(Black-box beats white-box\\): black-box square on full`));
    expect(table).toContain('White-box gradients are likely masked');
    const html = renderReport(results);
    expect(html).toContain('<tr class="unreliable-row" data-defense="masked">');
    expect(html).toMatch(/<li data-check="black-box-beats-white-box"><b>Black-box beats white-box<\/b>/);
    expect(html.match(/class="unreliable-row"/g)).toHaveLength(1);
  });

  it('explain every check in the report, with each defense\'s verdicts', () => {
    const html = renderReport(results);
    for (const check of EVALUATION_CHECKS) expect(html).toContain(`<dt id="check-${check.id}">`);
    expect(html).toMatch(/data-defense="masked" data-check="black-box-beats-white-box"><td class="name">masked<\/td><td class="name"><code>black-box-beats-white-box<\/code><\/td><td class="name verdict-flag">flag/);
  });

  it('prefer the verdicts stored with the defense, and the mirror applies defense-checks events as they come', () => {
    const mirror = new RunStateMirror(results);
    const checks = EVALUATION_CHECKS.map((check) => ({ id: check.id, verdict: check.id === 'zero-gradient' ? ('flag' as const) : ('pass' as const), detail: `stored ${check.id}` }));
    mirror.apply({ type: 'defense-checks', defense: 'none', checks, bestKnown: [], sequence: 1, time: new Date().toISOString(), runId: results.runId });
    const none = summarizeRun(mirror.results!).defenses.find((entry) => entry.defense.name === 'none')!;
    expect(none.flags).toEqual([{ id: 'zero-gradient', title: 'Zero input gradients', detail: 'stored zero-gradient' }]);
  });
});
