import type { TensorInfo } from '@tensorflow/tfjs-core';
import { loadSimdModule, simdKernelsSupported } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset, withScratch } from '../wasm-simd/wasm-backend-internals.js';
import type { EmscriptenModule, WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';
import type { FilterGradientGeometry } from './simd-filter-gradient.js';

/** The exports of `convolution-input-gradient.c`. */
interface InputGradientModule {
  /** Scratch bytes {@link InputGradientModule.inputGradient} needs for this geometry. */
  scratchBytes(batch: number, inHeight: number, inWidth: number, inChannels: number, outHeight: number, outWidth: number,
    outChannels: number, filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number,
    padTop: number, padLeft: number): number;
  /** See the C source: dx from dy and the filter, NHWC / HWIO on the heap. */
  inputGradient(dy: number, filter: number, dx: number, batch: number, inHeight: number, inWidth: number, inChannels: number,
    outHeight: number, outWidth: number, outChannels: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, padTop: number, padLeft: number, scratch: number): void;
}

function inputGradientModule(module: EmscriptenModule): InputGradientModule {
  return loadSimdModule<InputGradientModule>(module, 'convolution-input-gradient', {
    scratchBytes: 'advbench_conv2d_input_gradient_scratch',
    inputGradient: 'advbench_conv2d_input_gradient',
  });
}

/**
 * Conv2DBackpropInput (NHWC, dilation 1, float32, any stride and padding) as one gather pass of advbench's SIMD
 * kernel (see convolution-input-gradient.c): every dx element is computed once from the dy pixels and taps that
 * reach it, with no zero-dilated dy, no sub-pixel interleave and no rotated filter tensor. Returns undefined when
 * the engine has no WebAssembly SIMD (the caller takes the XNNPACK formulation then).
 */
export function simdInputGradient(backend: WasmBackendInternals, dy: TensorInfo, filter: TensorInfo, inputShape: number[],
  geometry: FilterGradientGeometry): TensorInfo | undefined {
  if (!simdKernelsSupported() || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return undefined;
  }
  const [batch, inHeight, inWidth, inChannels] = inputShape;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft } = geometry;
  const dx = backend.makeOutput([batch, inHeight, inWidth, inChannels], 'float32');
  if (batch * inHeight * inWidth * inChannels === 0) {
    return dx;
  }
  if (outHeight * outWidth * outChannels === 0 || filterHeight * filterWidth === 0) {
    backend.typedArrayFromHeap(dx).fill(0);
    return dx;
  }
  const kernels = inputGradientModule(backend.wasm);
  const sizes = [batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft] as const;
  withScratch(backend, kernels.scratchBytes(...sizes), (scratch) => {
    kernels.inputGradient(heapOffset(backend, dy), heapOffset(backend, filter), heapOffset(backend, dx), ...sizes, scratch);
  });
  return dx;
}
