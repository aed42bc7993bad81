import type { LayersModel, Tensor, TensorFlow } from '../plugin-api/index.js';

/** What is known when a training step's loss came out non-finite. */
export interface DivergenceFacts {
  /** The run's TensorFlow.js. */
  tf: TensorFlow;
  /** The model being trained. */
  model: LayersModel;
  /** The batch of the step (after `transformBatch`, so adversarial examples are checked too). */
  x: Tensor;
  /** The learning rate of the step. */
  learningRate: number;
  /** Mean loss of the last step that was finite, if any. */
  lastFiniteLoss?: number;
  /** True when `transformBatch` produced the batch (adversarial training and similar). */
  transformed: boolean;
}

/**
 * Says what diverged and what likely caused it: non-finite inputs (a transform or data problem), weights that are
 * non-finite (a damaged starting checkpoint when it happens on the first step, a blow-up otherwise), or a loss
 * that grew until it overflowed (a learning rate too high for this model, or no normalisation). One sentence each.
 */
export function diagnoseDivergence(facts: DivergenceFacts): string {
  const { tf } = facts;
  const inputsFinite = tf.tidy(() => tf.all(tf.isFinite(facts.x)).dataSync()[0] === 1);
  const badWeights = facts.model.weights.filter((weight) => tf.tidy(() => tf.all(tf.isFinite(weight.read())).dataSync()[0] !== 1)).map((weight) => weight.name);
  const causes: string[] = [];
  if (!inputsFinite) {
    causes.push(`the batch itself holds NaN or infinite pixels (${facts.transformed ? 'the batch transform, for example an attack generating training examples, produced them' : 'check the dataset files'})`);
  }
  if (badWeights.length > 0) {
    const named = badWeights.slice(0, 3).join(', ') + (badWeights.length > 3 ? ` and ${badWeights.length - 3} more` : '');
    causes.push(
      facts.lastFiniteLoss === undefined
        ? `the model's weights were already not finite before its first step (${named}): the starting weights (a checkpoint, a cached or base model) are damaged`
        : `the model's weights became NaN or infinite (${named}) after the loss was ${facts.lastFiniteLoss.toPrecision(4)}`,
    );
  }
  if (inputsFinite) {
    causes.push(`the learning rate (${facts.learningRate}) may be too high for this model and batch size, or its schedule too aggressive; try a lower one`);
    causes.push('a model without normalisation or with a very deep stack can overflow: check the architecture and the input scale ([0, 1] expected)');
  }
  return causes.join('; ');
}
