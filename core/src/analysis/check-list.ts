import type { EvaluationCheck } from './analysis-types.js';
import { attackAboveCleanCheck } from './checks/attack-above-clean.js';
import { blackBoxBeatsWhiteBoxCheck } from './checks/black-box-beats-white-box.js';
import { eotNotConvergedCheck } from './checks/eot-not-converged.js';
import { marginBeatsCeCheck } from './checks/margin-beats-ce.js';
import { notMonotoneCheck } from './checks/not-monotone.js';
import { probabilityOutputCheck } from './checks/probability-output.js';
import { randomizedUndeclaredCheck } from './checks/randomized-undeclared.js';
import { singleStepBeatsIterativeCheck } from './checks/single-step-beats-iterative.js';
import { stepsNotConvergedCheck } from './checks/steps-not-converged.js';
import { transferBeatsWhiteBoxCheck } from './checks/transfer-beats-white-box.js';
import { unboundedNotBrokenCheck } from './checks/unbounded-not-broken.js';
import { zeroGradientCheck } from './checks/zero-gradient.js';

/** Every automatic evaluation check, in the order results and reports list them. One file per check in checks/. */
export const EVALUATION_CHECKS: readonly EvaluationCheck[] = Object.freeze([
  randomizedUndeclaredCheck,
  zeroGradientCheck,
  blackBoxBeatsWhiteBoxCheck,
  transferBeatsWhiteBoxCheck,
  singleStepBeatsIterativeCheck,
  marginBeatsCeCheck,
  unboundedNotBrokenCheck,
  notMonotoneCheck,
  eotNotConvergedCheck,
  stepsNotConvergedCheck,
  attackAboveCleanCheck,
  probabilityOutputCheck,
]);
