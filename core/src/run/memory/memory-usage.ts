import type { TensorFlow } from '../../plugin-api/index.js';

/**
 * The most the wasm backend's heap can grow to: emscripten's `getHeapMax()` in every tfjs wasm build (wasm32: 4 GiB
 * minus one 64 KiB page). Allocations past it abort the module (`Aborted()`).
 */
export const WASM_HEAP_LIMIT_BYTES = 4_294_901_760;

/** Memory in use at one moment. */
export interface MemoryUsage {
  /** Bytes of live tfjs tensors (`tf.memory().numBytes`). */
  tensorBytes: number;
  /** Live tfjs tensors. */
  tensors: number;
  /**
   * Size of the backend's own heap, where it has one (wasm: the WebAssembly memory, which only grows, so it is the
   * run's high-water mark so far); undefined elsewhere.
   */
  heapBytes?: number;
  /** The most that heap can hold (wasm: {@link WASM_HEAP_LIMIT_BYTES}); undefined where advbench does not know it. */
  heapLimitBytes?: number;
  /** Resident set size of the process. */
  rssBytes: number;
}

/** Reads the memory in use now on `tf`'s active backend. Cheap; touches no tensor. */
export function readMemoryUsage(tf: TensorFlow): MemoryUsage {
  const { numBytes, numTensors } = tf.memory();
  const heapBytes = wasmHeapBytes(tf);
  return {
    tensorBytes: numBytes,
    tensors: numTensors,
    ...(heapBytes === undefined ? {} : { heapBytes, heapLimitBytes: WASM_HEAP_LIMIT_BYTES }),
    rssBytes: process.memoryUsage().rss,
  };
}

/** The wasm backend's heap size (its emscripten module's memory), or undefined on other backends. */
function wasmHeapBytes(tf: TensorFlow): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const module = (tf.backend() as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory; HEAPU8?: Uint8Array } }).wasm;
  const buffer = module?.wasmMemory?.buffer ?? module?.HEAPU8?.buffer;
  return buffer?.byteLength;
}

/** `1.23 GiB`, `456 MiB`, `12 KiB`, `7 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** One line: tensors, backend heap (of its limit) and process RSS. */
export function describeMemoryUsage(usage: MemoryUsage): string {
  const heap = usage.heapBytes === undefined ? '' : `, wasm heap ${formatBytes(usage.heapBytes)}${usage.heapLimitBytes ? ` of its ${formatBytes(usage.heapLimitBytes)} limit` : ''}`;
  return `${formatBytes(usage.tensorBytes)} in ${usage.tensors} tensors${heap}, process RSS ${formatBytes(usage.rssBytes)}`;
}
