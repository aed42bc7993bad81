import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs another kernel registered for the wasm backend directly (no tape, no engine bookkeeping) and returns its
 * output. Used by advbench's composite kernels to build gradients out of the fast XNNPACK forward kernels.
 * The caller owns the output and must release it with {@link releaseTensorInfo} unless it returns it.
 */
export function callWasmKernel(backend: KernelBackend, kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel === undefined) {
    throw new Error(`advbench wasm kernels: kernel '${kernelName}' is not registered for the wasm backend`);
  }
  const output = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(output)) {
    throw new Error(`advbench wasm kernels: kernel '${kernelName}' returned several outputs, one expected`);
  }
  return output;
}

/** Releases an intermediate produced by {@link callWasmKernel} (decrements its reference count on the backend). */
export function releaseTensorInfo(backend: KernelBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** Reshapes without copying (the wasm Reshape kernel shares the buffer and increments its reference count). */
export function reshapeInfo(backend: KernelBackend, x: TensorInfo, shape: number[]): TensorInfo {
  return callWasmKernel(backend, 'Reshape', { x }, { shape });
}

/** Transposes `x` by `perm` with the wasm Transpose kernel. */
export function transposeInfo(backend: KernelBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return callWasmKernel(backend, 'Transpose', { x }, { perm });
}

/** Slices `x` from `begin` with `size` (-1 = to the end) with the wasm Slice kernel. */
export function sliceInfo(backend: KernelBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return callWasmKernel(backend, 'Slice', { x }, { begin, size });
}

/** A float32 tensor of `shape` filled with zeros (the wasm Fill kernel). */
export function zerosInfo(backend: KernelBackend, shape: number[]): TensorInfo {
  return callWasmKernel(backend, 'Fill', {}, { shape, value: 0, dtype: 'float32' });
}

/** Concatenates `inputs` along `axis` with the wasm Concat kernel (a plain copy per input along axis 0). */
export function concatInfo(backend: KernelBackend, inputs: TensorInfo[], axis: number): TensorInfo {
  return callWasmKernel(backend, 'Concat', inputs as unknown as NamedTensorInfoMap, { axis });
}

/** Pads `x` with zeros by `paddings` ([before, after] per axis) with the wasm PadV2 kernel. */
export function padInfo(backend: KernelBackend, x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
  return callWasmKernel(backend, 'PadV2', { x }, { paddings, constantValue: 0 });
}

/**
 * A stride-1 NHWC forward convolution of `x` with `filter` on XNNPACK (the wasm Conv2D kernel), zero-padded by
 * `rows` and `columns` ([before, after]), with `dilations` (the gradient formulations' building block).
 */
export function stride1ConvolutionInfo(backend: KernelBackend, x: TensorInfo, filter: TensorInfo, rows: [number, number], columns: [number, number],
  dilations: [number, number] = [1, 1]): TensorInfo {
  return callWasmKernel(backend, 'Conv2D', { x, filter }, {
    strides: [1, 1],
    pad: [[0, 0], rows, columns, [0, 0]],
    dataFormat: 'NHWC',
    dilations,
    dimRoundingMode: undefined as unknown as string,
  });
}
