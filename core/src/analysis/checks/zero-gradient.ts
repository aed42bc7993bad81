import type { EvaluationCheck } from '../analysis-types.js';
import { verdict } from './check-support.js';

/** Flag above this fraction of examples with an exactly zero input gradient. */
export const ZERO_GRADIENT_LIMIT = 0.01;

const remedy = 'The gradient is masked (shattered, saturated or non-differentiable): use black-box (Square), transfer or a margin loss (APGD-DLR), or give the surface a differentiable approximation (BPDA).';

/** `zero-gradient`: too many examples whose loss gradient w.r.t. the input is exactly zero at the clean point. */
export const zeroGradientCheck: EvaluationCheck = {
  id: 'zero-gradient',
  title: 'Zero input gradients',
  rule: `on each attacked surface, the fraction of probe examples whose cross-entropy gradient w.r.t. the clean input is exactly zero: flag above ${ZERO_GRADIENT_LIMIT * 100}%.`,
  meaning: 'A white-box attack that starts from a zero gradient cannot move: its accuracy says nothing about robustness (gradient masking).',
  remedy,
  needs: 'a probe on the prepared defense: one input gradient per attacked surface on the probe subset',
  evaluate(input) {
    const probe = input.probes?.zeroGradient;
    if (!probe || probe.length === 0) return verdict('zero-gradient', 'not-run', input.probes?.error ? `the probe could not run: ${input.probes.error}` : 'the gradient probe has not run');
    const worst = [...probe].sort((left, right) => right.zero / Math.max(1, right.examples) - left.zero / Math.max(1, left.examples))[0];
    const share = (entry: { zero: number; examples: number }) => `${entry.zero} of ${entry.examples} (${((100 * entry.zero) / Math.max(1, entry.examples)).toFixed(1)}%)`;
    const flagged = probe.filter((entry) => entry.zero / Math.max(1, entry.examples) > ZERO_GRADIENT_LIMIT);
    if (flagged.length > 0) {
      return verdict('zero-gradient', 'flag', `exactly zero input gradient for ${flagged.map((entry) => `${share(entry)} examples on ${entry.surface}`).join(', ')}, above ${ZERO_GRADIENT_LIMIT * 100}%. ${remedy}`);
    }
    return verdict('zero-gradient', 'pass', `at most ${share(worst)} examples with a zero input gradient (${worst.surface}); limit ${ZERO_GRADIENT_LIMIT * 100}%`);
  },
};
