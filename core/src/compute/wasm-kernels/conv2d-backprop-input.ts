import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { subPixelInputGradient } from './sub-pixel-input-gradient.js';
import { rotatedFilterInputGradient } from './rotated-filter-input-gradient.js';
import { simdInputGradient } from './simd-input-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Up to this many multiply-adds a strided input gradient is faster as one SIMD gather pass than as XNNPACK
 * sub-pixel phases with cached taps (measured on bench-resnet's stride-2 layers, interleaved runs on 2 threads:
 * gather 10-35% faster at 0.8-7 M; sub-pixel 12-40% faster at 8-75 M, e.g. 10.3 vs 13.1 ms at batch 64, 32x32,
 * 16 -> 32 channels).
 */
export const SMALL_STRIDED_MULTIPLY_ADDS = 8_000_000;

/** Multiply-adds of a convolution with output (or dy) shape [N, H, W, Co] and filter [kh, kw, Ci, Co]. */
function multiplyAdds(outputShape: number[], filterShape: number[]): number {
  const [batch = 0, height = 0, width = 0] = outputShape;
  const [filterHeight = 0, filterWidth = 0, inputChannels = 0, outputChannels = 0] = filterShape;
  return batch * height * width * filterHeight * filterWidth * inputChannels * outputChannels;
}

/**
 * Conv2DBackpropInput for the wasm backend, out of XNNPACK forward convolutions: the gradient of a stride-1
 * convolution with respect to its input is the convolution of the output gradient with the filter rotated by 180
 * degrees and its in/out channels swapped, stride 1, padding `k - 1 - pad` before. Strided convolutions go through
 * {@link simdInputGradient} (one SIMD gather pass) up to {@link SMALL_STRIDED_MULTIPLY_ADDS}, otherwise (or without
 * WebAssembly SIMD) {@link subPixelInputGradient} (one stride-1 convolution per sub-pixel phase, no zero-dilated
 * dy, the phases' taps cached per filter buffer). Stride-1 ones are
 * {@link rotatedFilterInputGradient} (the rotated filter cached per filter buffer, so PGD steps reuse it and
 * XNNPACK's packed operator: about 2x faster than the gather pass on bench-resnet's stride-1 layers).
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
      // Small strided layers: one SIMD gather pass; larger ones (and engines without WebAssembly SIMD): the
      // sub-pixel phases on XNNPACK with their taps cached.
      const gathered = multiplyAdds(dy.shape, filter.shape) <= SMALL_STRIDED_MULTIPLY_ADDS
        ? simdInputGradient(backend as WasmBackendInternals, dy, filter, inputShape, {
          filterHeight, filterWidth, strideHeight, strideWidth, padTop: padInfo.top, padLeft: padInfo.left,
        })
        : undefined;
      if (gathered !== undefined) {
        return gathered;
      }
      return subPixelInputGradient(backend, dy, filter, {
        inputShape, strideHeight, strideWidth, filterHeight, filterWidth, padTop: padInfo.top, padLeft: padInfo.left,
      });
    }

    return rotatedFilterInputGradient(backend, dy, filter, {
      inputShape, filterHeight, filterWidth, padTop: padInfo.top, padLeft: padInfo.left,
    });
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc };
}
