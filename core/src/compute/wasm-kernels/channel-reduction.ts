import { backend_util, Mean, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { loadSimdKernels, simdKernelsSupported } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Per-channel totals divided by `divisor` in plain JavaScript (where WebAssembly SIMD is missing). */
function reduceInJavaScript(backend: WasmBackendInternals, x: TensorInfo, out: TensorInfo, channels: number, divisor: number): void {
  const size = util.sizeFromShape(x.shape);
  const totals = new Float64Array(channels);
  const input = backend.typedArrayFromHeap(x) as Float32Array;
  for (let start = 0; start < size; start += channels) {
    for (let channel = 0; channel < channels; channel += 1) {
      totals[channel] += input[start + channel];
    }
  }
  const output = backend.typedArrayFromHeap(out) as Float32Array;
  for (let channel = 0; channel < channels; channel += 1) {
    output[channel] = totals[channel] / divisor;
  }
}

/**
 * Sum or Mean over every axis but the last (per-channel statistics of NHWC activations: batch-norm moments and
 * its gradients) in one pass over the heap, accumulating in double precision: with advbench's SIMD module
 * (`advbench_channel_sum`) where WebAssembly SIMD is available, in JavaScript otherwise. The stock wasm kernels
 * first transpose the whole tensor so the reduced axes are innermost. Other reductions go to `fallback`.
 */
export function createChannelReductionKernel(kernelName: typeof Sum | typeof Mean, fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
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
    if (channels === 0) {
      return out;
    }
    const rows = util.sizeFromShape(x.shape) / channels;
    const divisor = kernelName === Mean ? rows : 1;
    if (!simdKernelsSupported()) {
      reduceInJavaScript(backend, x, out, channels, divisor);
      return out;
    }
    const simd = loadSimdKernels(backend.wasm);
    withScratch(backend, 32 * channels, (scratch) => {
      simd.channelSum(heapOffset(backend, x), rows, channels, divisor, heapOffset(backend, out), scratch);
    });
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}
