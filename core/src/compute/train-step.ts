import type { LayersModel, Tensor1D, Tensor4D, TensorFlow } from '../plugin-api/index.js';
import type { NamedTensorMap, Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { ADVBENCH_SGD_MOMENTUM, wasmKernelAvailable } from './wasm-kernels/advbench-kernel-names.js';

/** Settings of one SGD-with-momentum step (PyTorch's `torch.optim.SGD` semantics). */
export interface SgdStepOptions {
  /** Step size. */
  learningRate: number;
  /** Momentum factor (PyTorch form: v = momentum * v + g; w -= learningRate * v). */
  momentum: number;
  /** L2 weight decay added to the gradient (g += weightDecay * w), as PyTorch's `weight_decay`. */
  weightDecay: number;
}

/** A reusable training step bound to one model; owns its momentum buffers. */
export interface TrainStep {
  /**
   * Runs one step on a batch (images in [0, 1], int32 labels) and resolves to the mean cross-entropy loss before
   * the update. The loss is read asynchronously, so this works on backends without synchronous reads (webgpu).
   */
  run(x: Tensor4D, y: Tensor1D): Promise<number>;
  /** Changes the step size used by the next calls (for schedules). */
  setLearningRate(learningRate: number): void;
  /** Disposes the momentum buffers. The model is not touched. */
  dispose(): void;
}

/**
 * Mean sparse softmax cross-entropy of `logits` ([batch, classes]) against int32 class indices `labels`.
 * Computed as a log-softmax (numerically stable) gathered with a one-hot mask.
 */
export function sparseSoftmaxCrossEntropy(tf: TensorFlow, logits: Tensor2D, labels: Tensor1D): Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const logProbabilities = tf.logSoftmax(logits);
    const mask = tf.oneHot(tf.cast(labels, 'int32'), classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(mask, logProbabilities), 1))) as Scalar;
  });
}

/**
 * One SGD-with-momentum update of `variable` from `gradient`, PyTorch semantics: g += weightDecay * w;
 * v = momentum * v + g (v = g on the first step, when `buffer` is undefined); w -= learningRate * v. Assigns the
 * variable and returns the new velocity (undefined when momentum is 0: plain SGD keeps no buffer). On wasm with
 * advbench's SIMD kernels this is one kernel (`AdvbenchSgdMomentum`); elsewhere up to six ops. Call inside
 * `tf.tidy`.
 */
export function sgdMomentumUpdate(tf: TensorFlow, variable: Variable, gradient: Tensor, buffer: Variable | undefined, options: SgdStepOptions): Tensor | undefined {
  const { learningRate, momentum, weightDecay } = options;
  const fused = variable.dtype === 'float32' && gradient.dtype === 'float32' && wasmKernelAvailable(ADVBENCH_SGD_MOMENTUM);
  if (fused) {
    const inputs: NamedTensorMap = { weight: variable, gradient };
    if (momentum !== 0 && buffer !== undefined) {
      inputs.velocity = buffer;
    }
    const [weight, velocity] = tf.engine().runKernel<Tensor[]>(ADVBENCH_SGD_MOMENTUM, inputs, { learningRate, momentum, weightDecay });
    variable.assign(weight);
    return momentum === 0 ? undefined : velocity;
  }
  const decayed = weightDecay === 0 ? gradient : tf.add(gradient, tf.mul(variable, weightDecay));
  const velocity = momentum === 0 || buffer === undefined ? decayed : tf.add(tf.mul(buffer, momentum), decayed);
  variable.assign(tf.sub(variable, tf.mul(velocity, learningRate)));
  return momentum === 0 ? undefined : velocity;
}

/**
 * Creates one SGD-with-momentum training step with PyTorch semantics: the loss is the mean sparse softmax
 * cross-entropy of `model.apply(x, { training: true })`; the gradients of all trainable weights get
 * `weightDecay * w` added; the momentum buffers follow `v = momentum * v + g` (created lazily, so the first step
 * is v = g as in PyTorch) and the weights `w -= learningRate * v` (see {@link sgdMomentumUpdate}: one kernel per
 * weight on wasm).
 *
 * BatchNormalization layers in training mode normalise with batch statistics and update their moving mean and
 * variance themselves (tfjs-layers does it inside `call` when `training` is true). Note that tfjs-layers updates
 * the moving variance with the biased batch variance where PyTorch uses the unbiased one: a factor n/(n-1),
 * with n = batch x height x width, negligible for image batches.
 *
 * Every tensor of a step is created inside `tf.tidy` or disposed: `tf.memory().numTensors` stays flat.
 */
export function createTrainStep(tf: TensorFlow, model: LayersModel, options: SgdStepOptions): TrainStep {
  let learningRate = options.learningRate;
  const buffers = new Map<string, Variable>();
  let disposed = false;

  const trainable = (): Variable[] => model.trainableWeights.map((weight) => weight.read() as Variable);

  return {
    async run(x: Tensor4D, y: Tensor1D): Promise<number> {
      if (disposed) {
        throw new Error('createTrainStep: run() called after dispose()');
      }
      const variables = trainable();
      const stepOptions: SgdStepOptions = { ...options, learningRate };
      const lossTensor = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.apply(x, { training: true }) as Tensor;
          return sparseSoftmaxCrossEntropy(tf, logits as Tensor2D, y);
        }, variables);
        for (const variable of variables) {
          const gradient = grads[variable.name];
          if (gradient === undefined) {
            continue;
          }
          const buffer = buffers.get(variable.name);
          const velocity = sgdMomentumUpdate(tf, variable, gradient, buffer, stepOptions);
          if (velocity !== undefined) {
            if (buffer === undefined) {
              buffers.set(variable.name, tf.variable(velocity, false));
            } else {
              buffer.assign(velocity);
            }
          }
        }
        return value;
      });
      try {
        return (await lossTensor.data())[0];
      } finally {
        lossTensor.dispose();
      }
    },
    setLearningRate(next: number): void {
      learningRate = next;
    },
    dispose(): void {
      for (const buffer of buffers.values()) {
        buffer.dispose();
      }
      buffers.clear();
      disposed = true;
    },
  };
}
