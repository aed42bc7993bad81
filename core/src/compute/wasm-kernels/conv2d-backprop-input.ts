import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { subPixelInputGradient } from './sub-pixel-input-gradient.js';
import { rotatedFilterInputGradient } from './rotated-filter-input-gradient.js';
import { simdInputGradient } from './simd-input-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Up to this many multiply-adds a stride-1 input gradient is faster as one SIMD gather pass than as an XNNPACK
 * convolution (measured on bench-resnet's layers on 2 threads: 2-3x faster at 2-14 M, e.g. a 28x28 batch of 32
 * with 8 channels; slower from about 30 M, where XNNPACK's two threads pay off).
 */
export const SMALL_CONVOLUTION_MULTIPLY_ADDS = 16_000_000;

/** Multiply-adds of a stride-1 convolution's input gradient: N * H * W * kh * kw * Ci * Co. */
function multiplyAdds(inputShape: number[], filterShape: number[]): number {
  const [batch = 0, height = 0, width = 0] = inputShape;
  const [filterHeight = 0, filterWidth = 0, inputChannels = 0, outputChannels = 0] = filterShape;
  return batch * height * width * filterHeight * filterWidth * inputChannels * outputChannels;
}

/**
 * Conv2DBackpropInput for the wasm backend, out of XNNPACK forward convolutions: the gradient of a stride-1
 * convolution with respect to its input is the convolution of the output gradient with the filter rotated by 180
 * degrees and its in/out channels swapped, stride 1, padding `k - 1 - pad` before. Strided convolutions go through
 * {@link simdInputGradient} (one SIMD gather pass), or, without WebAssembly SIMD, {@link subPixelInputGradient}
 * (one stride-1 convolution per sub-pixel phase, no zero-dilated dy); so do small stride-1 ones (up to
 * {@link SMALL_CONVOLUTION_MULTIPLY_ADDS}); larger stride-1 ones are {@link rotatedFilterInputGradient} (the
 * rotated filter cached per filter buffer, so PGD steps reuse it and XNNPACK's packed operator).
 * NHWC only, dilation 1 (what tfjs' conv2d gradient asks for); other cases go to `fallback`.
 */
export function createConv2dBackpropInputKernel(fallback: KernelFunc | undefined): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
    const backend = untypedBackend as KernelBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const format = backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast') {
      if (fallback === undefined) {
        throw new Error(`wasm Conv2DBackpropInput: dataFormat '${dataFormat}' is not supported, use NHWC`);
      }
      return fallback({ inputs, backend: untypedBackend, attrs });
    }
    const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format);
    const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
    if (strideHeight > 1 || strideWidth > 1) {
      // Strided: one SIMD gather pass (measured faster than XNNPACK's sub-pixel phases, cached or not, on
      // bench-resnet's stride-2 layers); the phases where the engine has no WebAssembly SIMD.
      const gathered = simdInputGradient(backend as WasmBackendInternals, dy, filter, inputShape, {
        filterHeight, filterWidth, strideHeight, strideWidth, padTop: padInfo.top, padLeft: padInfo.left,
      });
      if (gathered !== undefined) {
        return gathered;
      }
      return subPixelInputGradient(backend, dy, filter, {
        inputShape, strideHeight, strideWidth, filterHeight, filterWidth, padTop: padInfo.top, padLeft: padInfo.left,
      });
    }

    if (multiplyAdds(inputShape, filter.shape) <= SMALL_CONVOLUTION_MULTIPLY_ADDS) {
      const gathered = simdInputGradient(backend as WasmBackendInternals, dy, filter, inputShape, {
        filterHeight, filterWidth, strideHeight, strideWidth, padTop: padInfo.top, padLeft: padInfo.left,
      });
      if (gathered !== undefined) {
        return gathered;
      }
    }

    return rotatedFilterInputGradient(backend, dy, filter, {
      inputShape, filterHeight, filterWidth, padTop: padInfo.top, padLeft: padInfo.left,
    });
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc };
}
