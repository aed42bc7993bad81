import type { DataId, KernelBackend, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

/**
 * The emscripten Module of tfjs-backend-wasm (`backend.wasm`): its heap, allocator and WebAssembly.Memory.
 * The stock build exports the memory as `asm.memory`; the threaded build creates a shared one and keeps it as
 * `wasmMemory`.
 */
export interface EmscriptenModule {
  /** The heap as bytes (replaced by a new view when the memory grows). */
  HEAPU8: Uint8Array;
  /** Allocates `bytes` on the heap; returns the byte offset. */
  _malloc(bytes: number): number;
  /** Frees an allocation of {@link EmscriptenModule._malloc}. */
  _free(offset: number): void;
  /** The module's exports (the stock build's memory is one of them). */
  asm?: { memory?: WebAssembly.Memory };
  /** The memory of the threaded build. */
  wasmMemory?: WebAssembly.Memory;
}

/** What tfjs-backend-wasm records per tensor buffer (`backend.dataIdMap`). */
export interface WasmTensorData {
  /** Byte offset of the values on the heap (null for strings). */
  memoryOffset: number | null;
}

/**
 * The internals of tfjs-backend-wasm's BackendWasm that advbench's kernels use: the emscripten Module, the
 * per-buffer records (for heap offsets), output allocation and reference counting. These are not public tfjs
 * API (checked against tfjs-backend-wasm 4.22).
 */
export interface WasmBackendInternals extends KernelBackend {
  /** The emscripten Module. */
  wasm: EmscriptenModule;
  /** Buffer records by data id. */
  dataIdMap: { get(dataId: DataId): WasmTensorData | undefined };
  /** A new output tensor on the wasm heap. */
  makeOutput(shape: number[], dtype: string): TensorInfo;
  /** A view (no copy) of a tensor's values on the heap. */
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  /** Adds a reference to a buffer (shared by another tensor). */
  incRef(dataId: DataId): void;
}

/** The heap byte offset of a (numeric) tensor's values. */
export function heapOffset(backend: WasmBackendInternals, info: TensorInfo): number {
  const offset = backend.dataIdMap.get(info.dataId)?.memoryOffset;
  if (offset === undefined || offset === null) {
    throw new Error('advbench wasm kernels: tensor has no buffer on the wasm heap');
  }
  return offset;
}

/**
 * Runs `use` with a scratch allocation of `bytes` bytes on the heap (at least 16-byte aligned, as emscripten's
 * malloc), freed afterwards even when `use` throws.
 */
export function withScratch<T>(backend: WasmBackendInternals, bytes: number, use: (offset: number) => T): T {
  const offset = backend.wasm._malloc(Math.max(bytes, 16)) >>> 0;
  if (offset === 0) {
    throw new Error(`advbench wasm kernels: cannot allocate ${bytes} bytes of scratch on the wasm heap`);
  }
  try {
    return use(offset);
  } finally {
    backend.wasm._free(offset);
  }
}
