import { FusedBatchNorm, util } from '@tensorflow/tfjs-core';
import type { FusedBatchNormAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmHeapBackend } from './heap-views.js';

/**
 * FusedBatchNorm for the wasm backend when the statistics are per channel (the last axis, NHWC): folds them into
 * one multiplier and one offset per channel, `y = x * a[c] + b[c]` with `a = scale / sqrt(variance + eps)` and
 * `b = offset - mean * a`, in one pass over the heap. (The stock kernel indexes every parameter with a modulo
 * per element and was as slow as a 3x3 convolution.) Other layouts go to `fallback`.
 */
export function createFusedBatchNormKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmHeapBackend;
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo | undefined> as {
      x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo;
    };
    const { varianceEpsilon } = args.attrs as unknown as FusedBatchNormAttrs;
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const perChannel = [mean, variance, offset, scale].every((info) => info === undefined || info === null || util.sizeFromShape(info.shape) === channels);
    if (x.dtype !== 'float32' || x.shape.length === 0 || !perChannel) {
      if (fallback === undefined) {
        throw new Error('wasm FusedBatchNorm: only per-channel (last axis) statistics are supported');
      }
      return fallback(args);
    }
    const out = backend.makeOutput(x.shape, 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size === 0) {
      return out;
    }
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
    return out;
  };
  return { kernelName: FusedBatchNorm, backendName: 'wasm', kernelFunc };
}
