import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { ADVBENCH_RELU_GRAD, wasmKernelAvailable } from './advbench-kernel-names.js';

/** Whether the ReLU gradient can run as advbench's one wasm kernel for this input. */
function useKernel(x: Tensor, dy: Tensor): boolean {
  return x.dtype === 'float32' && dy.dtype === 'float32' && wasmKernelAvailable(ADVBENCH_RELU_GRAD);
}

/**
 * The Relu gradient: on the wasm backend with advbench's kernels registered, one {@link ADVBENCH_RELU_GRAD}
 * kernel (dx = x > 0 ? dy : 0); elsewhere tfjs-core's own formula, `dy * cast(step(x), 'float32')`. Saves x, as
 * tfjs-core does. (For x = NaN the kernel gives 0 where tfjs' formula gives NaN.)
 */
export const reluGradientConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const gradient = dy as Tensor;
    const [x] = saved;
    if (useKernel(x, gradient)) {
      return { x: () => tf.engine().runKernel<Tensor>(ADVBENCH_RELU_GRAD, { dy: gradient, x }) };
    }
    return { x: () => tf.mul(gradient, tf.cast(tf.step(x), 'float32')) };
  },
};
