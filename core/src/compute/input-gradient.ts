import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel, Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '../plugin-api/index.js';
import { sparseSoftmaxCrossEntropy } from './train-step.js';

/**
 * A PGD step's gradient: `(x, y) => d mean-cross-entropy(model(x) in eval mode, y) / dx`. Only the input
 * gradient is computed: tfjs backpropagates along the tape path from `x` alone, so no filter or weight gradient
 * kernel runs (the weights are not among the differentiated inputs). The caller disposes the returned gradient.
 */
export function createInputGradient(tf: TensorFlow, model: LayersModel): (x: Tensor4D, y: Tensor1D) => Tensor4D {
  return (x: Tensor4D, y: Tensor1D): Tensor4D =>
    tf.tidy(() => {
      const lossOf = (input: Tensor): Tensor => sparseSoftmaxCrossEntropy(tf, model.apply(input, { training: false }) as Tensor2D, y);
      return tf.grad(lossOf)(x) as Tensor4D;
    });
}
