import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { ADVBENCH_CROP_IMAGES } from './crop-images.js';
import { wasmKernelAvailable } from './advbench-kernel-names.js';

/** Whether the padding gradient can run as one {@link ADVBENCH_CROP_IMAGES} kernel. */
function useKernel(dy: Tensor, paddings: Array<[number, number]>): boolean {
  const spatialOnly = dy.rank === 4 && paddings.length === 4 && paddings[0].every((side) => side === 0) && paddings[3].every((side) => side === 0);
  return spatialOnly && dy.dtype === 'float32' && wasmKernelAvailable(ADVBENCH_CROP_IMAGES);
}

/**
 * The PadV2 gradient: on the wasm backend with advbench's kernels, for spatial padding of float32 NHWC tensors
 * (zero-padding layers), one {@link ADVBENCH_CROP_IMAGES} kernel; elsewhere tfjs-core's own formula,
 * `slice(dy, begin, x.shape)`. Saves x, as tfjs-core does.
 */
export const padGradientConfig: GradConfig = {
  kernelName: 'PadV2',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = dy as Tensor;
    const [x] = saved;
    const paddings = attrs.paddings as Array<[number, number]>;
    const begin = paddings.map((side) => side[0]);
    if (useKernel(gradient, paddings)) {
      // Rank 4 (checked by useKernel).
      const [, top, left] = begin as [number, number, number, number];
      const [, height, width] = x.shape as [number, number, number, number];
      return { x: () => tf.engine().runKernel<Tensor>(ADVBENCH_CROP_IMAGES, { x: gradient }, { top, left, height, width }) };
    }
    return { x: () => tf.slice(gradient, begin, x.shape) };
  },
};
