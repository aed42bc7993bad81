import { backend_util, Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './heap-views.js';

/**
 * Sum or Mean over every axis but the last (per-channel statistics of NHWC activations: batch-norm moments and
 * its gradients) in one pass over the heap, accumulating in double precision. The stock wasm kernels first
 * transpose the whole tensor so the reduced axes are innermost. Other reductions go to `fallback`.
 */
export function createChannelReductionKernel(kernelName: typeof Sum | typeof Mean, fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmHeapBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((value, index) => value === index);
    if (x.dtype !== 'float32' || !allButLast) {
      if (fallback === undefined) {
        throw new Error(`wasm ${kernelName}: only reductions over all axes but the last are supported`);
      }
      return fallback(args);
    }
    const channels = x.shape[rank - 1];
    const outShape = keepDims ? backend_util.expandShapeToKeepDim([channels], axes) : [channels];
    const out = backend.makeOutput(outShape, 'float32');
    const size = util.sizeFromShape(x.shape);
    const rows = channels === 0 ? 0 : size / channels;
    const totals = new Float64Array(channels);
    const input = backend.typedArrayFromHeap(x) as Float32Array;
    for (let start = 0; start < size; start += channels) {
      for (let channel = 0; channel < channels; channel += 1) {
        totals[channel] += input[start + channel];
      }
    }
    const output = backend.typedArrayFromHeap(out) as Float32Array;
    const divisor = kernelName === Mean ? rows : 1;
    for (let channel = 0; channel < channels; channel += 1) {
      output[channel] = totals[channel] / divisor;
    }
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}
