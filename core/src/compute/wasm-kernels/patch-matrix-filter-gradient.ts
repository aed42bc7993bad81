import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { concatInfo, callWasmKernel, padInfo, releaseTensorInfo, reshapeInfo, sliceInfo, transposeInfo } from './kernel-calls.js';

/**
 * Largest kh * kw * Ci for which {@link patchMatrixFilterGradient} beats the transposed-convolution formulation
 * (measured on bench-resnet's shapes: the 3-channel and 1-channel stems win, 8 or more channels lose).
 */
export const PATCH_MATRIX_MAXIMUM_ROWS = 32;

/**
 * The filter gradient of a stride-1 NHWC convolution as one XNNPACK matrix product with the transposed patch
 * matrix: A [kh * kw * Ci, N * Ho * Wo] (x transposed to [Ci, N, H, W] once, zero padded, one slice per tap,
 * concatenated), times dy [N * Ho * Wo, Co], is dW [kh, kw, Ci, Co] as it is laid out. Worth it for few input
 * channels (see {@link PATCH_MATRIX_MAXIMUM_ROWS}), where the other formulation pays mostly for packing dy as a
 * huge convolution filter. `padTop`, `padLeft`, `padBottom`, `padRight`: the forward's padding (bottom/right may be
 * negative: unread rows).
 */
export function patchMatrixFilterGradient(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, filterHeight: number, filterWidth: number,
  padding: { top: number; left: number; bottom: number; right: number }): TensorInfo {
  const inputChannels = x.shape[3];
  const [batch, outputHeight, outputWidth, outputChannels] = dy.shape;
  const pixels = batch * outputHeight * outputWidth;
  const channelsFirst = transposeInfo(backend, x, [3, 0, 1, 2]);
  const padded = padInfo(backend, channelsFirst, [[0, 0], [0, 0], [padding.top, Math.max(0, padding.bottom)], [padding.left, Math.max(0, padding.right)]]);
  releaseTensorInfo(backend, channelsFirst);
  const taps: TensorInfo[] = [];
  for (let row = 0; row < filterHeight; row += 1) {
    for (let column = 0; column < filterWidth; column += 1) {
      const tap = sliceInfo(backend, padded, [0, 0, row, column], [-1, -1, outputHeight, outputWidth]);
      taps.push(reshapeInfo(backend, tap, [1, inputChannels * pixels]));
      releaseTensorInfo(backend, tap);
    }
  }
  releaseTensorInfo(backend, padded);
  const patches = concatInfo(backend, taps, 0);
  for (const tap of taps) {
    releaseTensorInfo(backend, tap);
  }
  const left = reshapeInfo(backend, patches, [1, filterHeight * filterWidth * inputChannels, pixels]);
  releaseTensorInfo(backend, patches);
  const right = reshapeInfo(backend, dy, [1, pixels, outputChannels]);
  const product = callWasmKernel(backend, 'BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
  releaseTensorInfo(backend, left);
  releaseTensorInfo(backend, right);
  const dw = reshapeInfo(backend, product, [filterHeight, filterWidth, inputChannels, outputChannels]);
  releaseTensorInfo(backend, product);
  return dw;
}
