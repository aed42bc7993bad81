import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, releaseTensorInfo, reshapeInfo, sliceInfo, transposeInfo } from './kernel-calls.js';

/**
 * The filter gradient of a 1x1 NHWC convolution without padding (any stride) as one XNNPACK matrix product:
 * dW [Ci, Co] = xs^T dy, where xs [N * Ho * Wo, Ci] are the input pixels the convolution reads (every stride-th,
 * taken with a reshape and one slice of whole channel vectors), transposed once. The product goes through tfjs'
 * wasm BatchMatMul with both operands untransposed (its XNNPACK fully-connected path; a transposed operand takes a
 * slow loop). Returns undefined when the strided pixels do not tile the input (a side other than stride * output
 * side: odd sizes, padding below or right), for the general path.
 */
export function pointwiseFilterGradient(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo | undefined {
  const [batch, inputHeight, inputWidth, inputChannels] = x.shape;
  const [, outputHeight, outputWidth, outputChannels] = dy.shape;
  const usedHeight = outputHeight * strideHeight;
  const usedWidth = outputWidth * strideWidth;
  if (inputHeight !== usedHeight || inputWidth !== usedWidth) {
    return undefined;
  }
  const pixels = batch * outputHeight * outputWidth;
  let selected: TensorInfo;
  if (strideHeight === 1 && strideWidth === 1) {
    selected = reshapeInfo(backend, x, [pixels, inputChannels]);
  } else {
    const grid = reshapeInfo(backend, x, [batch * outputHeight, strideHeight, outputWidth, strideWidth * inputChannels]);
    const strided = sliceInfo(backend, grid, [0, 0, 0, 0], [-1, 1, -1, inputChannels]);
    releaseTensorInfo(backend, grid);
    selected = reshapeInfo(backend, strided, [pixels, inputChannels]);
    releaseTensorInfo(backend, strided);
  }
  const transposed = transposeInfo(backend, selected, [1, 0]);
  releaseTensorInfo(backend, selected);
  const left = reshapeInfo(backend, transposed, [1, inputChannels, pixels]);
  releaseTensorInfo(backend, transposed);
  const right = reshapeInfo(backend, dy, [1, pixels, outputChannels]);
  const product = callWasmKernel(backend, 'BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
  releaseTensorInfo(backend, left);
  releaseTensorInfo(backend, right);
  const dw = reshapeInfo(backend, product, [1, 1, inputChannels, outputChannels]);
  releaseTensorInfo(backend, product);
  return dw;
}
