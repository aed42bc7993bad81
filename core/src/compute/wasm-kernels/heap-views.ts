import type { KernelBackend, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm that advbench's JavaScript kernels use. */
export interface WasmHeapBackend extends KernelBackend {
  /** A new output tensor on the wasm heap. */
  makeOutput(shape: number[], dtype: string): TensorInfo;
  /** A view (no copy) of a tensor's values on the wasm heap. Take views after the last allocation: growing the heap detaches them. */
  typedArrayFromHeap(info: TensorInfo): TypedArray;
}
