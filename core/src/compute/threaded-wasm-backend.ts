import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** The parts of the emscripten module of tfjs' threaded wasm build that advbench touches. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argumentTypes: string[]): (...values: number[]) => number;
  PThread: { runningWorkers: Array<{ unref(): void }> };
  tfjs?: Record<string, unknown>;
}

type ThreadedFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** What {@link registerThreadedWasmBackend} did. */
export interface ThreadedWasmResult {
  /** XNNPACK threads the backend runs with. */
  threads: number;
}

const require = createRequire(import.meta.url);
const STARTUP_TIMEOUT_MS = 30_000;

function wasmOutFolder(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

/**
 * Writes tfjs' pthread worker script to a file (Node's worker_threads cannot start a worker from the blob: URL
 * that tfjs uses in browsers). The name carries the content hash, so concurrent processes and versions never
 * clash; the file is written to a temporary name and renamed, so no process ever reads a half-written script.
 */
function writeWorkerScript(folder: string): string {
  const { wasmWorkerContents } = require(join(folder, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The contents are a template literal: its "\n" escapes became real newlines, which tfjs escapes back too.
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `advbench-tfjs-wasm-worker-${hash}.cjs`);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== source) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, source);
    renameSync(partial, path);
  }
  return path;
}

/**
 * Makes Node report at least `cores` logical CPUs until the returned function is called. tfjs' wasm backend caps
 * its XNNPACK pool at half the logical cores (it assumes two hyperthreads per core), which on a 2-core machine
 * without SMT means one thread; its emscripten runtime reads the count from `os.cpus()` while the module starts.
 */
function reportLogicalCores(cores: number): () => void {
  const os = require('node:os') as { cpus: () => unknown[] };
  const original = os.cpus;
  const real = original();
  if (real.length >= cores) {
    return () => undefined;
  }
  os.cpus = () => Array.from({ length: cores }, (_, index) => real[index % real.length]);
  return () => {
    os.cpus = original;
  };
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${milliseconds / 1000} s`)), milliseconds);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers tfjs' multi-threaded wasm build (SIMD + pthreads, XNNPACK on `threads` threads) as the `wasm`
 * backend, in Node. tfjs ships this build but only enables it in browsers (its workers start from blob: URLs);
 * in Node, advbench starts them from a worker script file and lets them not keep the process alive. The same
 * kernels run (they are registered per backend name), so advbench's wasm kernels apply unchanged.
 *
 * Replaces the stock (single-threaded) registration, so call it before the `wasm` backend is first initialised
 * (see {@link isWasmBackendInitialised}). Rejects, leaving the stock registration in place, when the threaded
 * build cannot start.
 */
export async function registerThreadedWasmBackend(threads: number): Promise<ThreadedWasmResult> {
  if (!Number.isInteger(threads) || threads < 2) {
    throw new Error(`registerThreadedWasmBackend: threads must be an integer >= 2, got ${threads}`);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const folder = wasmOutFolder();
  const workerPath = writeWorkerScript(folder);
  const mainScript = join(folder, 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as ThreadedFactory;
  const restoreCores = reportLogicalCores(2 * threads);
  let module: ThreadedModule;
  let backend: InstanceType<typeof wasm.BackendWasm>;
  try {
    module = await withTimeout(
      factory({
        locateFile: (path: string) => (path.endsWith('.worker.js') ? workerPath : join(folder, path)),
        mainScriptUrlOrBlob: mainScript,
      }),
      STARTUP_TIMEOUT_MS,
      "tfjs' threaded wasm build",
    );
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasm.setThreadsCount(threads);
    backend = new wasm.BackendWasm(module as never);
  } finally {
    restoreCores();
  }
  // The pool threads wait for work forever; they must not keep Node's event loop (and the process) alive.
  for (const worker of module.PThread.runningWorkers) {
    worker.unref();
  }
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, 2);
  return { threads: wasm.getThreadsCount() };
}

/** Whether a `wasm` backend instance exists already (tensors may live on it: it must not be replaced then). */
export function isWasmBackendInitialised(): boolean {
  return (tf.engine().registry as Record<string, unknown>).wasm !== undefined;
}
