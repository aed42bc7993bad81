import type { EmscriptenModule } from './wasm-backend-internals.js';
import { loadSimdModule } from './load-simd-kernels.js';

/**
 * The kernels of `pointwise-kernels.c`, bound to one tfjs wasm backend's memory. Every pointer is a byte offset
 * into that backend's heap; see the C source for each kernel's formula.
 */
export interface PointwiseKernels {
  /** dx = dy * (1 / sqrt(variance[c] + epsilon)) * scale[c], channels last. Scratch: 16 * channels bytes. */
  batchNormInputGrad(dy: number, rows: number, channels: number, variance: number, scale: number, hasScale: number, epsilon: number,
    dx: number, scratch: number): void;
  /** y = max(x, 0) (NaN stays NaN). */
  relu(x: number, count: number, y: number): void;
  /** Constant padding of NHWC images by rows (top, bottom) and columns (left, right). */
  padImages(x: number, batch: number, height: number, width: number, channels: number, top: number, bottom: number, left: number,
    right: number, value: number, y: number): void;
  /** Crops NHWC images to cropHeight x cropWidth from (top, left) (the gradient of a spatial padding). */
  cropImages(x: number, batch: number, height: number, width: number, channels: number, top: number, left: number, cropHeight: number,
    cropWidth: number, y: number): void;
  /** y = a + b element-wise. */
  add(a: number, b: number, count: number, y: number): void;
}

/** Export names of the C kernels, by {@link PointwiseKernels} method. */
const EXPORT_NAMES: Record<keyof PointwiseKernels, string> = {
  batchNormInputGrad: 'advbench_batch_norm_input_grad',
  relu: 'advbench_relu',
  padImages: 'advbench_pad_images',
  cropImages: 'advbench_crop_images',
  add: 'advbench_add',
};

/** The kernels of `pointwise-kernels.c` on a tfjs wasm backend's memory (see {@link loadSimdModule}). */
export function loadPointwiseKernels(module: EmscriptenModule): PointwiseKernels {
  return loadSimdModule<PointwiseKernels>(module, 'pointwise-kernels', EXPORT_NAMES);
}
