import type { EvaluationCheck } from '../analysis-types.js';
import { compareWithBaseline } from './convergence-support.js';

const remedy = 'The attack has not converged: raise its steps (or restarts) until doubling them changes accuracy by less than the interval, or use APGD.';

/** `steps-not-converged`: doubling the attack's iterations (or adding a restart) lowers accuracy. */
export const stepsNotConvergedCheck: EvaluationCheck = {
  id: 'steps-not-converged',
  title: 'Steps not converged',
  rule: 'the headline-ε cells of the first iterative white-box attack re-run with twice the steps (or one more restart when it has no step setting) on the checks\' subset: flag when accuracy falls beyond the interval (disjoint 95% Wilson intervals on the same examples).',
  meaning: 'An attack that gets clearly stronger with more iterations was stopped early; the reported accuracy is an overestimate.',
  remedy,
  needs: 'one extra cell per attacked surface: the first iterative white-box attack with doubled steps at the headline ε on the checks\' subset',
  evaluate: (input) => compareWithBaseline(input, 'steps-not-converged', 'doubled steps', 'the run has no iterative white-box attack with a steps, iterations or restarts setting', remedy),
};
