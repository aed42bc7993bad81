import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, releaseTensorInfo, sliceInfo } from './kernel-calls.js';
import { subPixelInputGradient } from './sub-pixel-input-gradient.js';
import { rotatedFilter } from './rotated-filter.js';
import { simdInputGradient } from './simd-input-gradient.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Conv2DBackpropInput for the wasm backend, out of XNNPACK forward convolutions: the gradient of a stride-1
 * convolution with respect to its input is the convolution of the output gradient with the filter rotated by 180
 * degrees and its in/out channels swapped, stride 1, padding `k - 1 - pad` before. Strided convolutions go through
 * {@link simdInputGradient} (one SIMD gather pass), or, without WebAssembly SIMD, {@link subPixelInputGradient}
 * (one stride-1 convolution per sub-pixel phase, no zero-dilated dy). The rotated
 * filter is cached per filter buffer ({@link rotatedFilter}), so repeated calls with the same weights (PGD) reuse
 * it and XNNPACK's packed operator.
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
    const [, inputHeight, inputWidth] = inputShape;
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

    const [, outputHeight, outputWidth] = dy.shape;
    let padTop = filterHeight - 1 - padInfo.top;
    let padLeft = filterWidth - 1 - padInfo.left;
    let padBottom = inputHeight - outputHeight + padInfo.top;
    let padRight = inputWidth - outputWidth + padInfo.left;
    // Negative paddings mean rows or columns of dy that reach no input pixel: crop them.
    let source = dy;
    const cropped = padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0;
    if (cropped) {
      const cropTop = Math.max(0, -padTop);
      const cropLeft = Math.max(0, -padLeft);
      const keepHeight = outputHeight - cropTop - Math.max(0, -padBottom);
      const keepWidth = outputWidth - cropLeft - Math.max(0, -padRight);
      source = sliceInfo(backend, dy, [0, cropTop, cropLeft, 0], [-1, keepHeight, keepWidth, -1]);
      padTop = Math.max(0, padTop);
      padLeft = Math.max(0, padLeft);
      padBottom = Math.max(0, padBottom);
      padRight = Math.max(0, padRight);
    }

    const rotated = rotatedFilter(backend, filter);

    const convAttrs: NamedAttrMap = {
      strides: [1, 1],
      pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as unknown as string,
    };
    const dx = callWasmKernel(backend, 'Conv2D', { x: source, filter: rotated }, convAttrs);
    if (cropped) {
      releaseTensorInfo(backend, source);
    }
    return dx;
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc };
}
