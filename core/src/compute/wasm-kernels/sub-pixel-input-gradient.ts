import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { callWasmKernel, concatInfo, padInfo, releaseTensorInfo, reshapeInfo, sliceInfo, stride1ConvolutionInfo, transposeInfo, zerosInfo } from './kernel-calls.js';
import { decomposeAxis, type AxisPhase } from './sub-pixel-phases.js';
import { derivedFilter } from './derived-filter-cache.js';
import { rotatedFilter } from './rotated-filter.js';

/** The geometry of the forward convolution whose input gradient {@link subPixelInputGradient} computes. */
export interface StridedConvolutionGeometry {
  /** The forward input's shape [N, H, W, Ci] (NHWC). */
  inputShape: [number, number, number, number];
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  /** Padding before the input rows and columns (the forward's `padInfo.top` and `padInfo.left`). */
  padTop: number;
  padLeft: number;
}

/**
 * The taps of the rotated filter (see {@link rotatedFilter}) that one (row phase, column phase) uses, last first:
 * every stride-th, [rowTaps, columnTaps, Co, Ci]. Cached per filter buffer ({@link derivedFilter}) with the
 * rotation itself, so PGD steps reuse them and XNNPACK's packed operators; the cache owns the result.
 */
function phaseTaps(backend: KernelBackend, filter: TensorInfo, geometry: StridedConvolutionGeometry, row: AxisPhase, column: AxisPhase): TensorInfo {
  // Rotated index of tap k is (size - 1 - k): the phase's taps, last first, are every stride-th from here.
  const rowBegin = geometry.filterHeight - 1 - row.firstTap - geometry.strideHeight * (row.taps - 1);
  const columnBegin = geometry.filterWidth - 1 - column.firstTap - geometry.strideWidth * (column.taps - 1);
  const key = `phase-taps:${rowBegin},${columnBegin},${row.taps},${column.taps},${geometry.strideHeight},${geometry.strideWidth}`;
  return derivedFilter(backend, filter, key, () => {
    const rotated = rotatedFilter(backend, filter);
    return callWasmKernel(backend, 'StridedSlice', { x: rotated }, {
      begin: [rowBegin, columnBegin, 0, 0],
      end: [rowBegin + geometry.strideHeight * (row.taps - 1) + 1, columnBegin + geometry.strideWidth * (column.taps - 1) + 1, rotated.shape[2], rotated.shape[3]],
      strides: [geometry.strideHeight, geometry.strideWidth, 1, 1],
      beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
    });
  });
}

/**
 * The stride-1 correlation of dy with the taps of one (row phase, column phase): [N, rowPhaseSize,
 * columnPhaseSize, Ci], or undefined when no tap or no row of dy reaches the phase (its gradient is zero).
 * The phase's taps of the rotated filter are cached per filter buffer (see {@link phaseTaps}).
 */
function phaseGradient(backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, geometry: StridedConvolutionGeometry, row: AxisPhase, column: AxisPhase): TensorInfo | undefined {
  if (row.taps === 0 || column.taps === 0) {
    return undefined;
  }
  const [, outputHeight, outputWidth] = dy.shape;
  const cropTop = Math.max(0, -row.padBefore);
  const cropLeft = Math.max(0, -column.padBefore);
  const keepHeight = outputHeight - cropTop - Math.max(0, -row.padAfter);
  const keepWidth = outputWidth - cropLeft - Math.max(0, -column.padAfter);
  if (keepHeight <= 0 || keepWidth <= 0) {
    return undefined;
  }
  const cropped = keepHeight !== outputHeight || keepWidth !== outputWidth;
  const source = cropped ? sliceInfo(backend, dy, [0, cropTop, cropLeft, 0], [-1, keepHeight, keepWidth, -1]) : dy;
  const taps = phaseTaps(backend, filter, geometry, row, column);
  const gradient = stride1ConvolutionInfo(backend, source, taps, [Math.max(0, row.padBefore), Math.max(0, row.padAfter)], [Math.max(0, column.padBefore), Math.max(0, column.padAfter)]);
  if (cropped) {
    releaseTensorInfo(backend, source);
  }
  return gradient;
}

/** Crops the interleaved [N, rowPhaseSize * sh, columnPhaseSize * sw, Ci] gradient to the input's size (consumes it). */
function cropToInput(backend: KernelBackend, interleaved: TensorInfo, inputShape: number[]): TensorInfo {
  const [, height, width] = inputShape;
  if (interleaved.shape[1] === height && interleaved.shape[2] === width) {
    return interleaved;
  }
  const cropped = sliceInfo(backend, interleaved, [0, 0, 0, 0], [-1, height, width, -1]);
  releaseTensorInfo(backend, interleaved);
  return cropped;
}

/**
 * Stacks `tensors` (equal shapes, rank 3 after merging) as a new leading axis and moves it to position
 * `axis` with one rank-3 or rank-4 transpose (the wasm Transpose kernel is fast up to rank 4, very slow above).
 * Consumes `tensors`.
 */
function stackAndMove(backend: KernelBackend, tensors: TensorInfo[], shape: number[], perm: number[]): TensorInfo {
  const expanded = tensors.map((tensor) => {
    const reshaped = reshapeInfo(backend, tensor, [1, ...shape]);
    releaseTensorInfo(backend, tensor);
    return reshaped;
  });
  const stacked = concatInfo(backend, expanded, 0);
  for (const tensor of expanded) {
    releaseTensorInfo(backend, tensor);
  }
  const moved = transposeInfo(backend, stacked, perm);
  releaseTensorInfo(backend, stacked);
  return moved;
}

/** Interleaves the column phases of one row phase, each [N, A, B, Ci], into [N * A, B * sw * Ci] (consumes them). */
function interleaveColumns(backend: KernelBackend, columnPhases: TensorInfo[]): TensorInfo {
  const [batch, height, width, channels] = columnPhases[0].shape;
  if (columnPhases.length === 1) {
    const flat = reshapeInfo(backend, columnPhases[0], [batch * height, width * channels]);
    releaseTensorInfo(backend, columnPhases[0]);
    return flat;
  }
  // [sw, N * A, B, Ci] -> [N * A, B, sw, Ci]
  const moved = stackAndMove(backend, columnPhases, [batch * height, width, channels], [1, 2, 0, 3]);
  const flat = reshapeInfo(backend, moved, [batch * height, width * columnPhases.length * channels]);
  releaseTensorInfo(backend, moved);
  return flat;
}

/** Interleaves the row phases, each [N * A, B * sw * Ci], into `shape` = [N, A * sh, B * sw, Ci] (consumes them). */
function interleaveRows(backend: KernelBackend, rowPhases: TensorInfo[], shape: number[]): TensorInfo {
  if (rowPhases.length === 1) {
    const reshaped = reshapeInfo(backend, rowPhases[0], shape);
    releaseTensorInfo(backend, rowPhases[0]);
    return reshaped;
  }
  // [sh, N * A, B * sw * Ci] -> [N * A, sh, B * sw * Ci]
  const moved = stackAndMove(backend, rowPhases, rowPhases[0].shape, [1, 0, 2]);
  const reshaped = reshapeInfo(backend, moved, shape);
  releaseTensorInfo(backend, moved);
  return reshaped;
}

/**
 * The input gradient of a strided NHWC convolution (dilation 1) by sub-pixel decomposition: the input pixels of
 * each residue (row mod sh, column mod sw) receive a stride-1 convolution of dy with a subset of the rotated
 * filter's taps, so the sh * sw phase convolutions together do exactly the forward's multiply-adds (a
 * zero-dilated dy would do sh * sw times as many). The phases are interleaved into dx with a rank-4 transpose
 * per row phase and one rank-3 transpose, or, when only one phase is non-zero (1x1 filters with stride 2), with one
 * zero padding.
 */
export function subPixelInputGradient(backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, geometry: StridedConvolutionGeometry): TensorInfo {
  const { inputShape, strideHeight, strideWidth } = geometry;
  const [batch, , , inputChannels] = inputShape;
  const rows = decomposeAxis(strideHeight, geometry.filterHeight, geometry.padTop, inputShape[1], dy.shape[1]);
  const columns = decomposeAxis(strideWidth, geometry.filterWidth, geometry.padLeft, inputShape[2], dy.shape[2]);
  const phaseShape = [batch, rows.phaseSize, columns.phaseSize, inputChannels];
  const interleavedShape = [batch, rows.phaseSize * strideHeight, columns.phaseSize * strideWidth, inputChannels];

  const phases: Array<TensorInfo | undefined> = [];
  for (const row of rows.phases) {
    for (const column of columns.phases) {
      phases.push(phaseGradient(backend, dy, filter, geometry, row, column));
    }
  }

  const nonZero = phases.flatMap((phase, index) => (phase === undefined ? [] : [{ phase, index }]));
  if (nonZero.length === 0) {
    return zerosInfo(backend, [...inputShape]);
  }
  if (nonZero.length === 1) {
    const { phase, index } = nonZero[0];
    const rowPhase = Math.floor(index / strideWidth);
    const columnPhase = index % strideWidth;
    const expanded = reshapeInfo(backend, phase, [batch, rows.phaseSize, 1, columns.phaseSize, 1, inputChannels]);
    releaseTensorInfo(backend, phase);
    const padded = padInfo(backend, expanded, [[0, 0], [0, 0], [rowPhase, strideHeight - 1 - rowPhase], [0, 0], [columnPhase, strideWidth - 1 - columnPhase], [0, 0]]);
    releaseTensorInfo(backend, expanded);
    const interleaved = reshapeInfo(backend, padded, interleavedShape);
    releaseTensorInfo(backend, padded);
    return cropToInput(backend, interleaved, inputShape);
  }
  const filled = phases.map((phase) => phase ?? zerosInfo(backend, phaseShape));
  const rowsOfPhases: TensorInfo[] = [];
  for (let rowPhase = 0; rowPhase < strideHeight; rowPhase += 1) {
    rowsOfPhases.push(interleaveColumns(backend, filled.slice(rowPhase * strideWidth, (rowPhase + 1) * strideWidth)));
  }
  const interleaved = interleaveRows(backend, rowsOfPhases, interleavedShape);
  return cropToInput(backend, interleaved, inputShape);
}
