import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ADVBENCH_BATCH_NORM_TRAINING, ADVBENCH_MOVING_AVERAGES, wasmKernelAvailable } from './wasm-kernels/advbench-kernel-names.js';

/** The fields of tfjs-layers' (internal) BatchNormalization layer the patched `call` reads and writes. */
interface BatchNormalizationLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): Tensor };
  beta: { read(): Tensor };
  movingMean: { read(): Tensor; write(value: Tensor): void };
  movingVariance: { read(): Tensor; write(value: Tensor): void };
}

type Call = (this: BatchNormalizationLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** The composite (any backend) form of {@link batchNormTraining}: a few ops forward, a custom gradient. */
function batchNormTrainingComposite(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): { output: Tensor; mean: Tensor; variance: Tensor } {
  const axes = Array.from({ length: x.rank - 1 }, (_, index) => index);
  const count = x.size / x.shape[x.rank - 1];
  const mean = tf.mean(x, axes);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axes);
  const op = tf.customGrad(((input: Tensor, scale: Tensor, offset: Tensor, save: tf.GradSaveFunc) => {
    const inverse = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = tf.mul(tf.sub(input, mean), inverse);
    save([normalized, inverse, scale]);
    return {
      value: tf.add(tf.mul(normalized, scale), offset),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const gradient = dy as Tensor;
        const [savedNormalized, savedInverse, savedScale] = saved;
        const sumDy = tf.sum(gradient, axes);
        const sumDyNormalized = tf.sum(tf.mul(gradient, savedNormalized), axes);
        const factor = tf.div(tf.mul(savedScale, savedInverse), count);
        const inner = tf.sub(tf.sub(tf.mul(gradient, count), sumDy), tf.mul(savedNormalized, sumDyNormalized));
        return [tf.mul(inner, factor), sumDyNormalized, sumDy];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const output = op(x, gamma, beta);
  return { output, mean, variance };
}

/**
 * Training-mode batch normalisation over all axes but the last, as one differentiable op with the textbook
 * backward pass: with x^ = (x - mean) / sqrt(var + eps) and N values per channel,
 * dx = gamma / sqrt(var + eps) / N * (N dy - sum(dy) - x^ sum(dy x^)), dgamma = sum(dy x^), dbeta = sum(dy).
 * Returns the output and the batch mean and (biased) variance for the moving averages.
 *
 * On the wasm backend with advbench's SIMD kernels registered (float32, rank-1 gamma and beta), the forward
 * pass is one kernel (`AdvbenchBatchNormTraining`) and so is the backward pass (its registered gradient runs
 * `AdvbenchBatchNormTrainingGrad`); elsewhere it is a few tfjs ops with a custom gradient.
 */
export function batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): { output: Tensor; mean: Tensor; variance: Tensor } {
  const fused = x.dtype === 'float32' && x.rank >= 2 && gamma.rank === 1 && beta.rank === 1 && wasmKernelAvailable(ADVBENCH_BATCH_NORM_TRAINING);
  if (!fused) {
    return batchNormTrainingComposite(x, gamma, beta, epsilon);
  }
  const [output, mean, variance] = tf.engine().runKernel<Tensor[]>(ADVBENCH_BATCH_NORM_TRAINING, { x, gamma, beta }, { epsilon });
  return { output, mean, variance };
}

/** A batch-norm layer's moving statistic: what tfjs-layers' LayerVariable offers. */
interface MovingVariable {
  read(): Tensor;
  write(value: Tensor): void;
}

/**
 * Updates a batch-norm layer's moving mean and variance as tfjs-layers does, `moving -= (moving - batch) *
 * (1 - momentum)`: one kernel for both on wasm with advbench's SIMD kernels, three ops each elsewhere.
 */
export function updateMovingAverages(movingMean: MovingVariable, movingVariance: MovingVariable, mean: Tensor, variance: Tensor, momentum: number): void {
  tf.tidy(() => {
    const currentMean = movingMean.read();
    const currentVariance = movingVariance.read();
    const fused = [currentMean, currentVariance, mean, variance].every((tensor) => tensor.dtype === 'float32') && wasmKernelAvailable(ADVBENCH_MOVING_AVERAGES);
    if (fused) {
      const [nextMean, nextVariance] = tf.engine().runKernel<Tensor[]>(
        ADVBENCH_MOVING_AVERAGES,
        { movingMean: currentMean, movingVariance: currentVariance, mean, variance },
        { momentum },
      );
      movingMean.write(nextMean);
      movingVariance.write(nextVariance);
      return;
    }
    movingMean.write(tf.sub(currentMean, tf.mul(tf.sub(currentMean, mean), 1 - momentum)));
    movingVariance.write(tf.sub(currentVariance, tf.mul(tf.sub(currentVariance, variance), 1 - momentum)));
  });
}

let installed = false;

/**
 * Makes tfjs-layers' BatchNormalization layers, in training mode with the usual last-axis statistics, use
 * {@link batchNormTraining} (one kernel forward and one backward on wasm, a few ops elsewhere) instead of `moments` + `batchNormalization`, whose
 * gradient tfjs builds from ~40 small ops per layer. The moving mean and variance are updated exactly as
 * tfjs-layers does (biased batch variance, `moving -= (moving - batch) * (1 - momentum)`; see
 * {@link updateMovingAverages}). Inference and other
 * layouts keep the stock path. Idempotent.
 */
export function useFusedBatchNormTraining(): void {
  if (installed) {
    return;
  }
  const probe = tfl.layers.batchNormalization({});
  const prototype = Object.getPrototypeOf(probe) as { call: Call };
  const original = prototype.call;
  const patched: Call = function call(this: BatchNormalizationLayer, inputs, kwargs) {
    const input = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor;
    const training = kwargs?.training === true;
    const axis = this.axis >= 0 ? this.axis : this.axis + input.rank;
    if (!training || input.rank < 2 || axis !== input.rank - 1 || !this.center || !this.scale) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const { output, mean, variance } = batchNormTraining(input, this.gamma.read(), this.beta.read(), this.epsilon);
      updateMovingAverages(this.movingMean, this.movingVariance, mean, variance, this.momentum);
      return output;
    });
  };
  prototype.call = patched;
  installed = true;
}
