import type { TensorInfo } from '@tensorflow/tfjs-core';
import { loadSimdModule, simdKernelsSupported } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { EmscriptenModule, WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** The export of `convolution-filter-gradient.c`. */
interface FilterGradientModule {
  /** See the C source: dw from x and dy, all NHWC / HWIO on the heap. */
  filterGradient(x: number, dy: number, dw: number, batch: number, inHeight: number, inWidth: number, inChannels: number,
    outHeight: number, outWidth: number, outChannels: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, padTop: number, padLeft: number): void;
}

function filterGradientModule(module: EmscriptenModule): FilterGradientModule {
  return loadSimdModule<FilterGradientModule>(module, 'convolution-filter-gradient', { filterGradient: 'advbench_conv2d_filter_gradient' });
}

/** The geometry of one filter gradient: the forward convolution's filter size, strides and top/left padding. */
export interface FilterGradientGeometry {
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Conv2DBackpropFilter (NHWC, dilation 1, float32) as one pass of advbench's SIMD kernel over x and dy where
 * they lie on the wasm heap: no transposes, no repacking (see convolution-filter-gradient.c). Returns
 * undefined when the engine has no WebAssembly SIMD (the caller takes the XNNPACK formulation then).
 */
export function simdFilterGradient(backend: WasmBackendInternals, x: TensorInfo, dy: TensorInfo, geometry: FilterGradientGeometry): TensorInfo | undefined {
  if (!simdKernelsSupported() || x.dtype !== 'float32' || dy.dtype !== 'float32') {
    return undefined;
  }
  const [batch, inHeight, inWidth, inChannels] = x.shape;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft } = geometry;
  const dw = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  if (filterHeight * filterWidth * inChannels * outChannels === 0) {
    return dw;
  }
  if (batch * inHeight * inWidth === 0 || outHeight * outWidth === 0) {
    backend.typedArrayFromHeap(dw).fill(0);
    return dw;
  }
  filterGradientModule(backend.wasm).filterGradient(
    heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), batch, inHeight, inWidth, inChannels,
    outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft,
  );
  return dw;
}
