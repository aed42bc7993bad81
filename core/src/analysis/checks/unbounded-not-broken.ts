import type { EvaluationCheck } from '../analysis-types.js';
import { describeEstimate } from '../outcome-statistics.js';
import { UNBOUNDED_EPSILON } from '../extra-cells.js';
import { finishedExtraCells, jointWorstCase, missingExtraReason, verdict } from './check-support.js';

const remedy = 'An attack with an unbounded budget must reach chance or below: the attack is not reaching the decision rule (masked gradients, a surrogate surface, a broken attack); try Square, transfer, BPDA or EOT.';

/** `unbounded-not-broken`: with a budget that allows any image, accuracy stays above chance (ART's unbounded-PGD check). */
export const unboundedNotBrokenCheck: EvaluationCheck = {
  id: 'unbounded-not-broken',
  title: 'Unbounded attack does not break it',
  rule: `the first white-box attack of the run at ε = ${UNBOUNDED_EPSILON} (half the pixel range) on every attacked surface, per-example worst case on the checks' subset: flag when the lower bound of its 95% Wilson interval is above chance (1 / classes).`,
  meaning: 'No classifier is robust when the attacker may change every pixel by half the range; accuracy above chance there means the attack cannot follow the gradients, so the bounded numbers overstate robustness.',
  remedy,
  needs: `one extra cell per attacked surface: the first white-box attack at ε = ${UNBOUNDED_EPSILON} on the checks' subset`,
  evaluate(input) {
    const cells = finishedExtraCells(input, 'unbounded-not-broken');
    const estimate = jointWorstCase(cells);
    if (!estimate) return verdict('unbounded-not-broken', 'not-run', missingExtraReason(input, 'unbounded-not-broken', 'the run has no white-box attack to run unbounded'));
    const chance = 1 / input.classes;
    const where = cells.map((cell) => `${cell.attack} on ${cell.surface}`).join(', ');
    if (estimate.low > chance) {
      return verdict('unbounded-not-broken', 'flag', `at ε = ${UNBOUNDED_EPSILON} (${where}) accuracy stays at ${describeEstimate(estimate)}, above chance ${(chance * 100).toFixed(1)}% beyond the interval. ${remedy}`);
    }
    return verdict('unbounded-not-broken', 'pass', `at ε = ${UNBOUNDED_EPSILON} (${where}) accuracy falls to ${describeEstimate(estimate)} (chance ${(chance * 100).toFixed(1)}%)`);
  },
};
