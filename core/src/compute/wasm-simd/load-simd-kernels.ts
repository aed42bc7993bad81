import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EmscriptenModule } from './wasm-backend-internals.js';

/**
 * The kernels of `advbench-kernels.c`, bound to one tfjs wasm backend's memory. Every pointer is a byte offset
 * into that backend's heap; see the C source for each kernel's formula and scratch size.
 */
export interface SimdKernels {
  /** out[c] = sum over rows of x[row, c] / divisor (float64 sums). Scratch: 32 * channels bytes. */
  channelSum(x: number, rows: number, channels: number, divisor: number, out: number, scratch: number): void;
  /** Inference batch normalisation with per-channel statistics. Scratch: 48 * channels bytes. */
  batchNorm(x: number, rows: number, channels: number, mean: number, variance: number, scale: number, hasScale: number,
    offset: number, hasOffset: number, epsilon: number, y: number, scratch: number): void;
  /** Training batch normalisation: y, batch mean and biased variance. Scratch: 112 * channels bytes. */
  batchNormTraining(x: number, rows: number, channels: number, gamma: number, beta: number, epsilon: number, y: number,
    mean: number, variance: number, scratch: number): void;
  /** Backward pass of {@link SimdKernels.batchNormTraining}: dx, dgamma, dbeta. Scratch: 128 * channels bytes. */
  batchNormTrainingGrad(dy: number, x: number, rows: number, channels: number, mean: number, variance: number, gamma: number,
    dmean: number, dvariance: number, hasStatisticsGradient: number, epsilon: number, dx: number, dgamma: number, dbeta: number,
    scratch: number): void;
  /** out = moving - (moving - batch) * (1 - momentum). */
  movingAverage(moving: number, batch: number, count: number, momentum: number, out: number): void;
  /** SGD with momentum (PyTorch semantics): new weight and new velocity. */
  sgdMomentum(weight: number, gradient: number, velocity: number, hasVelocity: number, count: number, learningRate: number,
    momentum: number, weightDecay: number, newWeight: number, newVelocity: number): void;
  /** dx = x > 0 ? dy : 0. */
  reluGrad(dy: number, x: number, count: number, dx: number): void;
}

/** Export names of the C kernels, by {@link SimdKernels} method. */
const EXPORT_NAMES: Record<keyof SimdKernels, string> = {
  channelSum: 'advbench_channel_sum',
  batchNorm: 'advbench_batch_norm',
  batchNormTraining: 'advbench_batch_norm_training',
  batchNormTrainingGrad: 'advbench_batch_norm_training_grad',
  movingAverage: 'advbench_moving_average',
  sgdMomentum: 'advbench_sgd_momentum',
  reluGrad: 'advbench_relu_grad',
};

/** Where the binaries are: next to this file (sources, tests) or, from core/dist, in core/src (they are not copied). */
const CANDIDATE_FOLDERS = ['./', '../../../src/compute/wasm-simd/'];

const binaries = new Map<string, Uint8Array<ArrayBuffer>>();

/** The bytes of one committed binary (`advbench-kernels.wasm` or `advbench-kernels.shared.wasm`), read once. */
export function readSimdBinary(fileName: string): Uint8Array<ArrayBuffer> {
  const cached = binaries.get(fileName);
  if (cached !== undefined) {
    return cached;
  }
  for (const folder of CANDIDATE_FOLDERS) {
    const path = fileURLToPath(new URL(`${folder}${fileName}`, import.meta.url));
    if (existsSync(path)) {
      const bytes = new Uint8Array(readFileSync(path));
      binaries.set(fileName, bytes);
      return bytes;
    }
  }
  throw new Error(`advbench wasm SIMD kernels: ${fileName} not found next to ${fileURLToPath(import.meta.url)} (run npm run build:wasm-simd)`);
}

let supported: boolean | undefined;

/** Whether this JavaScript engine can compile the SIMD module (WebAssembly 128-bit SIMD). */
export function simdKernelsSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = WebAssembly.validate(readSimdBinary('advbench-kernels.wasm'));
    } catch {
      supported = false;
    }
  }
  return supported;
}

/** The WebAssembly.Memory of a tfjs wasm backend's emscripten Module. */
function memoryOf(module: EmscriptenModule): WebAssembly.Memory {
  // Not compared with HEAPU8.buffer: after the shared memory of the threaded build grows, emscripten refreshes
  // its views lazily, so HEAPU8 may still be a view of the previous SharedArrayBuffer object.
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error('advbench wasm SIMD kernels: cannot find the WebAssembly.Memory of the tfjs wasm backend');
  }
  return memory;
}

const instances = new Map<string, WeakMap<EmscriptenModule, unknown>>();

/**
 * Instantiates the committed module `<baseName>.wasm` (or `<baseName>.shared.wasm`) on a tfjs wasm backend's
 * own memory (`backend.wasm`), once per backend and module, and returns its functions named by `exportNames`
 * (method name -> export name): the shared-memory variant when the backend runs tfjs' threaded build (its
 * memory is a SharedArrayBuffer), the plain one otherwise. Synchronous (the modules are a few kB).
 */
export function loadSimdModule<T extends object>(module: EmscriptenModule, baseName: string, exportNames: Record<keyof T, string>): T {
  let perBackend = instances.get(baseName);
  if (perBackend === undefined) {
    perBackend = new WeakMap();
    instances.set(baseName, perBackend);
  }
  const cached = perBackend.get(module);
  if (cached !== undefined) {
    return cached as T;
  }
  const memory = memoryOf(module);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = readSimdBinary(`${baseName}${shared ? '.shared.wasm' : '.wasm'}`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const functions = {} as Record<keyof T, unknown>;
  for (const [method, exportName] of Object.entries(exportNames) as Array<[keyof T, string]>) {
    const exported = instance.exports[exportName];
    if (typeof exported !== 'function') {
      throw new Error(`advbench wasm SIMD kernels: ${baseName} lacks the export ${exportName}`);
    }
    functions[method] = exported;
  }
  perBackend.set(module, functions);
  return functions as T;
}

/** The kernels of `advbench-kernels.c` on a tfjs wasm backend's memory (see {@link loadSimdModule}). */
export function loadSimdKernels(module: EmscriptenModule): SimdKernels {
  return loadSimdModule<SimdKernels>(module, 'advbench-kernels', EXPORT_NAMES);
}
