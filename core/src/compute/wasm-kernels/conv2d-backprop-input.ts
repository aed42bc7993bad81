import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, releaseTensorInfo, reshapeInfo, sliceInfo } from './kernel-calls.js';

/**
 * Inserts `stride - 1` zeros after every row and column of `dy` ([N, Ho, Wo, C] -> [N, Ho*sh, Wo*sw, C], the
 * values at multiples of the stride), with one 6-D pad: the layout of a strided convolution's output seen from its
 * input. Returns `dy` itself (with an extra reference) for stride 1.
 */
export function zeroDilate(backend: KernelBackend, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  const [batch, height, width, channels] = dy.shape;
  if (strideHeight === 1 && strideWidth === 1) {
    return reshapeInfo(backend, dy, dy.shape);
  }
  const expanded = reshapeInfo(backend, dy, [batch, height, 1, width, 1, channels]);
  const padded = callWasmKernel(backend, 'PadV2', { x: expanded }, {
    paddings: [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]],
    constantValue: 0,
  });
  releaseTensorInfo(backend, expanded);
  const dilated = reshapeInfo(backend, padded, [batch, height * strideHeight, width * strideWidth, channels]);
  releaseTensorInfo(backend, padded);
  return dilated;
}

/**
 * Conv2DBackpropInput for the wasm backend, as one XNNPACK forward convolution: the gradient of a convolution
 * with respect to its input is the convolution of the (zero-dilated, for stride > 1) output gradient with the
 * filter rotated by 180 degrees and its in/out channels swapped, stride 1, padding `k - 1 - pad` before.
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

    const dilated = zeroDilate(backend, dy, strideHeight, strideWidth);
    const dilatedHeight = dilated.shape[1];
    const dilatedWidth = dilated.shape[2];
    let padTop = filterHeight - 1 - padInfo.top;
    let padLeft = filterWidth - 1 - padInfo.left;
    let padBottom = inputHeight - dilatedHeight + padInfo.top;
    let padRight = inputWidth - dilatedWidth + padInfo.left;
    // Negative paddings mean rows or columns of dy that reach no input pixel: crop them.
    let source = dilated;
    if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
      const cropTop = Math.max(0, -padTop);
      const cropLeft = Math.max(0, -padLeft);
      const keepHeight = dilatedHeight - cropTop - Math.max(0, -padBottom);
      const keepWidth = dilatedWidth - cropLeft - Math.max(0, -padRight);
      source = sliceInfo(backend, dilated, [0, cropTop, cropLeft, 0], [-1, keepHeight, keepWidth, -1]);
      releaseTensorInfo(backend, dilated);
      padTop = Math.max(0, padTop);
      padLeft = Math.max(0, padLeft);
      padBottom = Math.max(0, padBottom);
      padRight = Math.max(0, padRight);
    }

    const reversed = callWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const rotated = callWasmKernel(backend, 'Transpose', { x: reversed }, { perm: [0, 1, 3, 2] });
    releaseTensorInfo(backend, reversed);

    const convAttrs: NamedAttrMap = {
      strides: [1, 1],
      pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as unknown as string,
    };
    const dx = callWasmKernel(backend, 'Conv2D', { x: source, filter: rotated }, convAttrs);
    releaseTensorInfo(backend, source);
    releaseTensorInfo(backend, rotated);
    return dx;
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc };
}
