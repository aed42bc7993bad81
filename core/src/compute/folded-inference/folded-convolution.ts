import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { ADVBENCH_RELU_GRAD } from '../wasm-kernels/advbench-kernel-names.js';
import type { FoldedWeights } from './folded-weights.js';
import type { ConvolutionStep } from './inference-plan.js';

/** tfjs' conv2d padding argument: a mode, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]. */
type ConvolutionPadding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

function paddingOf(step: ConvolutionStep): ConvolutionPadding {
  if (step.padding === undefined) {
    return step.convolution.padding === 'same' ? 'same' : 'valid';
  }
  const [[top, bottom], [left, right]] = step.padding;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

function recordingGradients(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/**
 * One folded convolution step on the wasm backend: a single FusedConv2D kernel (XNNPACK) with the folded filter,
 * bias and ReLU. While a gradient is recorded it is differentiable with respect to its input only: the gradient is
 * the ReLU mask (advbench's one-kernel ReLU gradient, read off the output) then Conv2DBackpropInput with the folded
 * filter; no filter, bias or batch-norm gradient is ever computed (the weights are constants here).
 */
export function foldedConvolution(x: Tensor4D, weights: FoldedWeights, step: ConvolutionStep): Tensor4D {
  const pad = paddingOf(step);
  const strides = step.convolution.strides as [number, number];
  const attrs = {
    strides, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation: step.relu ? 'relu' : 'linear', leakyreluAlpha: 0,
  } as unknown as NamedAttrMap;
  const inputs = weights.bias === undefined ? { x, filter: weights.filter } : { x, filter: weights.filter, bias: weights.bias };
  const run = (input: Tensor4D): Tensor4D => tf.engine().runKernel<Tensor4D>('FusedConv2D', { ...inputs, x: input } as never, attrs);
  if (!recordingGradients()) {
    return run(x);
  }
  const differentiable = tf.customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const input = args[0] as Tensor4D;
    const save = args[1] as GradSaveFunc;
    const y = run(input);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const masked = step.relu ? tf.engine().runKernel<Tensor>(ADVBENCH_RELU_GRAD, { dy, x: saved[0]! }) : dy;
        return tf.engine().runKernel<Tensor>('Conv2DBackpropInput', { dy: masked, filter: weights.filter } as never, {
          strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: input.shape,
        } as unknown as NamedAttrMap);
      },
    };
  });
  return differentiable(x) as Tensor4D;
}
