/**
 * The analysis of a run's results: best-known robust accuracy and the automatic evaluation checks (pure functions
 * of the cells and probes), plus the plan of the extra cells the checks ask for.
 */
export type * from './analysis-types.js';
export { attackKindOf, attackPluginKind, type AttackKind, type LossFamily, type ThreatModel } from './attack-kind.js';
export { bestKnown, bestKnownEstimates, bestKnownOutcomes, type BestKnownEstimate } from './best-known.js';
export { EVALUATION_CHECKS } from './check-list.js';
export { analyseDefense, evaluateChecks, flaggedChecks } from './evaluate-checks.js';
export { CHECK_SUBSET_SIZE, UNBOUNDED_EPSILON, checkSubset, planExtraCells, strongerSteps, type ExtraCellAttack, type ExtraCellDefense } from './extra-cells.js';
export { formatBudget } from './format-budget.js';
export { HEADLINE_EPSILON_LIMIT, headlineEpsilonOf } from './headline-epsilon.js';
export { clearlyBelow, describeEstimate, estimateOutcomes, examplesOf, outcomesByExample, pairedEstimate } from './outcome-statistics.js';
export { SIGNIFICANCE_LEVEL, adjacentSignificance, leaderboardRanking, type AdjacentSignificance, type LeaderboardRanking } from './adjacent-significance.js';
export { binomialHalfLowerTail, pairedSignTest, type PairedTestResult } from './paired-sign-test.js';
export { trainingBudget, type InheritedBase, type TrainingBudget, type TrainingWork } from './training-budget.js';
export { spreadOf, summarizeSeeds, type SeedDefenseSummary, type SeedSpread, type SeedSummary } from './seed-summary.js';
