import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { releaseTensorInfo, sliceInfo, stride1ConvolutionInfo } from './kernel-calls.js';
import { rotatedFilter } from './rotated-filter.js';

/** The geometry of the stride-1 forward convolution whose input gradient {@link rotatedFilterInputGradient} computes. */
export interface StrideOneConvolutionGeometry {
  /** The forward input's shape [N, H, W, Ci] (NHWC). */
  inputShape: [number, number, number, number];
  filterHeight: number;
  filterWidth: number;
  /** Padding before the input rows and columns (the forward's `padInfo.top` and `padInfo.left`). */
  padTop: number;
  padLeft: number;
}

/**
 * The input gradient of a stride-1 NHWC convolution (dilation 1) as one XNNPACK forward convolution: dy
 * convolved with the filter rotated by 180 degrees with its channels swapped ({@link rotatedFilter}, cached per
 * filter buffer, so repeated calls with the same weights reuse it and XNNPACK's packed operator), stride 1,
 * padding `k - 1 - pad` before; rows or columns of dy that reach no input pixel are cropped first.
 */
export function rotatedFilterInputGradient(backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, geometry: StrideOneConvolutionGeometry): TensorInfo {
  const { filterHeight, filterWidth } = geometry;
  const [, inputHeight, inputWidth] = geometry.inputShape;
  const [, outputHeight, outputWidth] = dy.shape;
  let padTop = filterHeight - 1 - geometry.padTop;
  let padLeft = filterWidth - 1 - geometry.padLeft;
  let padBottom = inputHeight - outputHeight + geometry.padTop;
  let padRight = inputWidth - outputWidth + geometry.padLeft;
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

  const dx = stride1ConvolutionInfo(backend, source, rotated, [padTop, padBottom], [padLeft, padRight]);
  if (cropped) {
    releaseTensorInfo(backend, source);
  }
  return dx;
}
