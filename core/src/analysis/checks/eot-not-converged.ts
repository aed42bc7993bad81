import type { EvaluationCheck } from '../analysis-types.js';
import { compareWithBaseline } from './convergence-support.js';

const remedy = 'The attack has not averaged enough draws of the randomized defense: raise eotSamples until doubling it changes accuracy by less than the interval.';

/** `eot-not-converged`: for a randomized defense, doubling EOT samples lowers accuracy. */
export const eotNotConvergedCheck: EvaluationCheck = {
  id: 'eot-not-converged',
  title: 'EOT not converged',
  rule: 'for a randomized defense, the headline-ε cells on randomized surfaces re-run with twice the EOT samples on the checks\' subset: flag when accuracy falls beyond the interval (disjoint 95% Wilson intervals on the same examples).',
  meaning: 'With too few draws the gradient of a randomized defense is too noisy to follow; the accuracy then reflects the attack\'s budget, not robustness.',
  remedy,
  needs: 'one extra cell per randomized attacked surface: the attack with doubled eotSamples at the headline ε on the checks\' subset',
  evaluate: (input) => compareWithBaseline(input, 'eot-not-converged', 'doubled EOT samples', 'not applicable: no randomized surface was attacked by an attack with an eotSamples setting (deterministic defense)', remedy),
};
