import { PadV2, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, PadV2Attrs, TensorInfo } from '@tensorflow/tfjs-core';
import { loadPointwiseKernels } from '../wasm-simd/pointwise-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Whether `paddings` pads only the two spatial axes of a rank-4 (NHWC) tensor. */
function padsImagesOnly(x: TensorInfo, paddings: Array<[number, number]>): boolean {
  return x.shape.length === 4 && paddings.length === 4 && paddings[0][0] === 0 && paddings[0][1] === 0 && paddings[3][0] === 0 && paddings[3][1] === 0;
}

/**
 * PadV2 for the wasm backend: constant padding of the rows and columns of float32 NHWC images (what zero-padding
 * layers do) in one pass of SIMD fills and row copies (`advbench_pad_images`). Any other padding (batch or
 * channel axes, other ranks, other dtypes) goes to `fallback` (the stock kernel).
 */
export function createPadImagesKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x } = args.inputs as { x: TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as PadV2Attrs;
    const count = util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || count === 0 || !padsImagesOnly(x, paddings)) {
      if (fallback === undefined) {
        throw new Error('wasm PadV2: only spatial padding of non-empty float32 NHWC tensors is supported');
      }
      return fallback(args);
    }
    const [batch, height, width, channels] = x.shape;
    const [[top, bottom], [left, right]] = [paddings[1], paddings[2]];
    const y = backend.makeOutput([batch, height + top + bottom, width + left + right, channels], 'float32');
    loadPointwiseKernels(backend.wasm).padImages(heapOffset(backend, x), batch, height, width, channels, top, bottom, left, right,
      constantValue, heapOffset(backend, y));
    return y;
  };
  return { kernelName: PadV2, backendName: 'wasm', kernelFunc };
}
