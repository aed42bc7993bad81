import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, releaseTensorInfo, sliceInfo, transposeInfo } from './kernel-calls.js';
import { patchMatrixFilterGradient, PATCH_MATRIX_MAXIMUM_ROWS } from './patch-matrix-filter-gradient.js';
import { pointwiseFilterGradient } from './pointwise-filter-gradient.js';
import { simdFilterGradient } from './simd-filter-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Conv2DBackpropFilter for the wasm backend (stock tfjs-backend-wasm has none), as one XNNPACK forward
 * convolution over transposed tensors: with x seen as a batch of Ci images [Ci, H, W, N] and dy as a filter
 * [Ho, Wo, N, Co], a stride-1 convolution dilated by the original stride, padded like the original, gives
 * dW as [Ci, kh, kw, Co]; one transpose makes it [kh, kw, Ci, Co]. Unpadded 1x1 filters (the strided projection
 * shortcuts) take {@link pointwiseFilterGradient} instead: one matrix product, no dilated convolution over every
 * input pixel; stride-1 convolutions of few input channels (stems) take {@link patchMatrixFilterGradient}.
 * NHWC only; dilation 1.
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
    const [, inputHeight, inputWidth] = x.shape;
    const [, outputHeight, outputWidth] = dy.shape;
    const simd = simdFilterGradient(backend as WasmBackendInternals, x, dy, {
      filterHeight, filterWidth, strideHeight, strideWidth, padTop: padInfo.top, padLeft: padInfo.left,
    });
    if (simd !== undefined) {
      return simd;
    }
    if (filterHeight === 1 && filterWidth === 1 && padInfo.top === 0 && padInfo.left === 0) {
      const pointwise = pointwiseFilterGradient(backend, x, dy, strideHeight, strideWidth);
      if (pointwise !== undefined) {
        return pointwise;
      }
    }

    // Input rows read by the convolution: -padTop ... (Ho - 1) * sh + kh - 1 - padTop.
    const padTop = padInfo.top;
    const padLeft = padInfo.left;
    const padBottom = (outputHeight - 1) * strideHeight + filterHeight - padTop - inputHeight;
    const padRight = (outputWidth - 1) * strideWidth + filterWidth - padLeft - inputWidth;
    if (strideHeight === 1 && strideWidth === 1 && filterHeight * filterWidth * x.shape[3] <= PATCH_MATRIX_MAXIMUM_ROWS) {
      return patchMatrixFilterGradient(backend, x, dy, filterHeight, filterWidth, { top: padTop, left: padLeft, bottom: padBottom, right: padRight });
    }
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
    const convAttrs: NamedAttrMap = {
      strides: [1, 1],
      pad: [[0, 0], [padTop, Math.max(0, padBottom)], [padLeft, Math.max(0, padRight)], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [strideHeight, strideWidth],
      dimRoundingMode: undefined as unknown as string,
    };
    const gradient = callWasmKernel(backend, 'Conv2D', { x: images, filter: kernel }, convAttrs);
    releaseTensorInfo(backend, images);
    releaseTensorInfo(backend, kernel);
    const dw = transposeInfo(backend, gradient, [1, 2, 0, 3]);
    releaseTensorInfo(backend, gradient);
    return dw;
  };
  return { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}
