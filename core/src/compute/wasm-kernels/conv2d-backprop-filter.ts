import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { releaseTensorInfo, sliceInfo, stride1ConvolutionInfo, transposeInfo } from './kernel-calls.js';
import { simdFilterGradient } from './simd-filter-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * The filter gradient as one XNNPACK forward convolution over transposed tensors (the path for engines without
 * WebAssembly SIMD): with x seen as a batch of Ci images [Ci, H, W, N] and dy as a filter [Ho, Wo, N, Co], a
 * stride-1 convolution dilated by the original stride, padded like the original, gives dW as [Ci, kh, kw, Co];
 * one transpose makes it [kh, kw, Ci, Co]. It pays two transposes and a repacking of dy per call.
 */
export function xnnpackFilterGradient(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const [, inputHeight, inputWidth] = x.shape;
  const [, outputHeight, outputWidth] = dy.shape;
  // Input rows read by the convolution: -padTop ... (Ho - 1) * sh + kh - 1 - padTop.
  const padTop = padInfo.top;
  const padLeft = padInfo.left;
  const padBottom = (outputHeight - 1) * strideHeight + filterHeight - padTop - inputHeight;
  const padRight = (outputWidth - 1) * strideWidth + filterWidth - padLeft - inputWidth;
  let source = x;
  let owned = false;
  if (padBottom < 0 || padRight < 0) {
    source = sliceInfo(backend, x, [0, 0, 0, 0], [-1, inputHeight + Math.min(0, padBottom), inputWidth + Math.min(0, padRight), -1]);
    owned = true;
  }
  const images = transposeInfo(backend, source, [3, 1, 2, 0]);
  if (owned) {
    releaseTensorInfo(backend, source);
  }
  const kernel = transposeInfo(backend, dy, [1, 2, 0, 3]);
  const gradient = stride1ConvolutionInfo(backend, images, kernel, [padTop, Math.max(0, padBottom)], [padLeft, Math.max(0, padRight)], [strideHeight, strideWidth]);
  releaseTensorInfo(backend, images);
  releaseTensorInfo(backend, kernel);
  const dw = transposeInfo(backend, gradient, [1, 2, 0, 3]);
  releaseTensorInfo(backend, gradient);
  return dw;
}

/**
 * Conv2DBackpropFilter for the wasm backend (stock tfjs-backend-wasm has none): one pass of advbench's SIMD
 * kernel over x and dy where they lie on the heap ({@link simdFilterGradient}), or, on engines without
 * WebAssembly SIMD, {@link xnnpackFilterGradient}. NHWC only; dilation 1 (what tfjs' conv2d gradient asks for).
 */
export function createConv2dBackpropFilterKernel(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
    const backend = untypedBackend as KernelBackend;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    const format = backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast') {
      throw new Error(`wasm Conv2DBackpropFilter: dataFormat '${dataFormat}' is not supported, use NHWC`);
    }
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
    const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
    const simd = simdFilterGradient(backend as WasmBackendInternals, x, dy, {
      filterHeight, filterWidth, strideHeight, strideWidth, padTop: padInfo.top, padLeft: padInfo.left,
    });
    return simd ?? xnnpackFilterGradient(backend, x, dy, info);
  };
  return { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}
