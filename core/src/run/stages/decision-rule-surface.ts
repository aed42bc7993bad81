import type { AttackSurface, Classifier, Tensor2D, TensorFlow } from '../../plugin-api/index.js';
import { CLEAN_SURFACE } from '../cell-plan.js';

/** Smallest probability taken into the logarithm, so a zero probability gives a finite log-probability. */
const PROBABILITY_FLOOR = 1e-12;

/**
 * The defense's decision rule as a surface: log of `classifier.predict`'s probabilities. It is what a
 * surface-independent attack (transfer, score-based black-box) is handed on its cells, planned once per defense on
 * {@link CLEAN_SURFACE}: such attacks query `classifier.predict` or a source model and never differentiate it, and
 * gradients through `predict` may not exist. Exact when the classifier is deterministic (its arg-max is the decision
 * rule), randomized (and not exact) otherwise.
 */
export function decisionRuleSurface(tf: TensorFlow, classifier: Classifier): AttackSurface {
  return {
    name: CLEAN_SURFACE,
    description: "the defense's decision rule (classifier.predict), for attacks that only query it or craft elsewhere",
    output: 'log-probabilities',
    randomized: classifier.randomized,
    exact: !classifier.randomized,
    forward: (x, rng) => tf.tidy(() => tf.log(tf.maximum(classifier.predict(x, rng), PROBABILITY_FLOOR)) as Tensor2D),
  };
}
