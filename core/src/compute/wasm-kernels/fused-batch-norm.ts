import { FusedBatchNorm, util } from '@tensorflow/tfjs-core';
import type { FusedBatchNormAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { loadSimdKernels, simdKernelsSupported } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** The inputs of FusedBatchNorm (scale and offset are optional). */
interface BatchNormInputs {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo | null;
  scale?: TensorInfo | null;
}

/** `y = x * a[c] + b[c]` with `a = scale / sqrt(variance + eps)` and `b = offset - mean * a`, in JavaScript. */
function normaliseInJavaScript(backend: WasmBackendInternals, inputs: BatchNormInputs, varianceEpsilon: number, out: TensorInfo, channels: number): void {
  const { x, mean, variance, offset, scale } = inputs;
  const size = util.sizeFromShape(x.shape);
  const meanValues = backend.typedArrayFromHeap(mean);
  const varianceValues = backend.typedArrayFromHeap(variance);
  const offsetValues = offset ? backend.typedArrayFromHeap(offset) : undefined;
  const scaleValues = scale ? backend.typedArrayFromHeap(scale) : undefined;
  const multiplier = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let channel = 0; channel < channels; channel += 1) {
    const a = (scaleValues ? scaleValues[channel] : 1) / Math.sqrt(varianceValues[channel] + varianceEpsilon);
    multiplier[channel] = a;
    shift[channel] = (offsetValues ? offsetValues[channel] : 0) - meanValues[channel] * a;
  }
  const input = backend.typedArrayFromHeap(x) as Float32Array;
  const output = backend.typedArrayFromHeap(out) as Float32Array;
  for (let start = 0; start < size; start += channels) {
    for (let channel = 0; channel < channels; channel += 1) {
      output[start + channel] = input[start + channel] * multiplier[channel] + shift[channel];
    }
  }
}

/**
 * FusedBatchNorm for the wasm backend when the statistics are per channel (the last axis, NHWC):
 * `y = (x - mean[c]) * scale[c] / sqrt(variance[c] + eps) + offset[c]` in one pass over the heap, with advbench's
 * SIMD module (`advbench_batch_norm`) where WebAssembly SIMD is available, in JavaScript otherwise. (The stock
 * kernel indexes every parameter with a modulo per element and was as slow as a 3x3 convolution.) Other layouts
 * go to `fallback`.
 */
export function createFusedBatchNormKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as unknown as BatchNormInputs;
    const { x, mean, variance, offset, scale } = inputs;
    const { varianceEpsilon } = args.attrs as unknown as FusedBatchNormAttrs;
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const perChannel = [mean, variance, offset, scale].every((info) => info === undefined || info === null || util.sizeFromShape(info.shape) === channels);
    const allFloat = [x, mean, variance, offset, scale].every((info) => info === undefined || info === null || info.dtype === 'float32');
    if (!allFloat || x.shape.length === 0 || !perChannel) {
      if (fallback === undefined) {
        throw new Error('wasm FusedBatchNorm: only per-channel (last axis) float32 statistics are supported');
      }
      return fallback(args);
    }
    const out = backend.makeOutput(x.shape, 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size === 0) {
      return out;
    }
    if (!simdKernelsSupported()) {
      normaliseInJavaScript(backend, inputs, varianceEpsilon, out, channels);
      return out;
    }
    const simd = loadSimdKernels(backend.wasm);
    withScratch(backend, 48 * channels, (scratch) => {
      simd.batchNorm(
        heapOffset(backend, x), size / channels, channels, heapOffset(backend, mean), heapOffset(backend, variance),
        scale ? heapOffset(backend, scale) : 0, scale ? 1 : 0, offset ? heapOffset(backend, offset) : 0, offset ? 1 : 0,
        varianceEpsilon, heapOffset(backend, out), scratch,
      );
    });
    return out;
  };
  return { kernelName: FusedBatchNorm, backendName: 'wasm', kernelFunc };
}
