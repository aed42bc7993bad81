import type { EvaluationCheck } from '../analysis-types.js';
import { verdict } from './check-support.js';

const remedy = 'predict must return class probabilities: apply softmax to logits (rows >= 0, finite, summing to 1).';

/** `probability-output`: predict's rows are not probabilities. */
export const probabilityOutputCheck: EvaluationCheck = {
  id: 'probability-output',
  title: 'predict returns probabilities',
  rule: 'predict on the probe subset: flag when any row has a non-finite or negative entry or does not sum to 1 within 1e-3.',
  meaning: 'The harness and score-based attacks read predict as probabilities; logits or unnormalised scores make black-box attacks and judged draws meaningless.',
  remedy,
  needs: 'a probe on the prepared defense: one prediction of the probe subset',
  evaluate(input) {
    const probe = input.probes?.probabilityOutput;
    if (!probe) return verdict('probability-output', 'not-run', input.probes?.error ? `the probe could not run: ${input.probes.error}` : 'the run did not get as far as a prediction');
    if (probe.bad > 0) return verdict('probability-output', 'flag', `${probe.bad} of ${probe.rows} rows of predict are not probabilities (${probe.problem ?? 'see the cell errors'}). ${remedy}`);
    return verdict('probability-output', 'pass', `${probe.rows} rows of predict checked: finite, non-negative, summing to 1 within 1e-3`);
  },
};
