import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { assertFloatInputs } from './float-inputs.js';
import { loadPointwiseKernels } from '../wasm-simd/pointwise-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Crops float32 NHWC images to a spatial window: x (attrs top, left, height, width) -> [N, height, width, C]. */
export const ADVBENCH_CROP_IMAGES = 'AdvbenchCropImages';

/** The attributes of {@link ADVBENCH_CROP_IMAGES}: the window's first row and column and its size. */
export interface CropImagesAttrs {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * {@link ADVBENCH_CROP_IMAGES} on the wasm heap with SIMD row copies (`advbench_crop_images`): the gradient of a
 * spatial zero padding without the generic Slice kernel (which first copies its whole input out of the heap).
 */
export function createCropImagesKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x } = args.inputs as { x: TensorInfo };
    const { top, left, height, width } = args.attrs as unknown as CropImagesAttrs;
    assertFloatInputs(ADVBENCH_CROP_IMAGES, { x });
    if (x.shape.length !== 4) {
      throw new Error(`wasm ${ADVBENCH_CROP_IMAGES}: x must be NHWC (rank 4), got shape [${x.shape.join(', ')}]`);
    }
    const [batch, inputHeight, inputWidth, channels] = x.shape;
    const window = [top, left, height, width];
    if (window.some((value) => !Number.isInteger(value) || value < 0) || top + height > inputHeight || left + width > inputWidth) {
      throw new Error(`wasm ${ADVBENCH_CROP_IMAGES}: window ${height}x${width} at (${top}, ${left}) is outside ${inputHeight}x${inputWidth}`);
    }
    const y = backend.makeOutput([batch, height, width, channels], 'float32');
    if (batch * height * width * channels > 0) {
      loadPointwiseKernels(backend.wasm).cropImages(heapOffset(backend, x), batch, inputHeight, inputWidth, channels, top, left, height, width,
        heapOffset(backend, y));
    }
    return y;
  };
  return { kernelName: ADVBENCH_CROP_IMAGES, backendName: 'wasm', kernelFunc };
}
