import { describe, expect, it } from 'vitest';
import { trainingBudget } from '@advbench/core';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { renderReport } from '../html/render-report.js';
import { renderLeaderboardTable } from '../terminal/leaderboard-table.js';
import { budgetSeconds, workText } from './budget-text.js';

const baseCost = { seconds: 12, examples: 6000, forwardPasses: 6000, backwardPasses: 6000, cached: false };

describe('training budgets in the reports', () => {
  it('shows own, inherited and total training of a fine-tuned defense; the undefended model inherits nothing', () => {
    const results = sampleRunResults();
    const none = results.defenses.find((defense) => defense.name === 'none')!;
    const adversarial = results.defenses.find((defense) => defense.name === 'adv-training')!;
    none.budget = trainingBudget(none.cost!, 2, { key: 'base', cost: baseCost, epochs: 2 });
    adversarial.budget = trainingBudget(adversarial.cost!, 3, { key: 'base', cost: baseCost, epochs: 2 });
    expect(budgetSeconds(adversarial)).toBe('107.0 = 95.0 + base 12.0 (cached)');
    expect(budgetSeconds(none)).toBe('12.0');
    const html = renderReport(results);
    expect(html).toContain('id="budget-table"');
    expect(html).toContain(workText({ seconds: 107, examples: 12_000, forwardPasses: 54_000, backwardPasses: 54_000, epochs: 5 }));
    expect(html).toContain('6,000 examples · 6,000 fwd · 6,000 bwd · 2 epochs');
    expect(renderLeaderboardTable(results)).toContain('107.0 = 95.0 + base 12.0');
  });
});
