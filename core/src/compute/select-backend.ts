import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../config/run-spec.js';
import type { BackendInfo } from '../store/result-types.js';
import type { Logger, TensorFlow } from '../plugin-api/index.js';
import { inputError } from '../plugin-api/index.js';
import { registerWasmKernels } from './wasm-kernels/register-wasm-kernels.js';
import { silenceCpuBackendBanner } from './quiet-cpu-backend.js';
import { useBroadcastBatchNormGradient } from './batch-norm-gradient.js';
import { useUnfusedConvolutionGradients } from './unfused-convolution-gradients.js';
import { useFoldedInference } from './folded-inference/use-folded-inference.js';
import { useFusedBatchNormTraining } from './fused-batch-norm-training.js';
import { isWasmBackendInitialised, registerThreadedWasmBackend } from './threaded-wasm-backend.js';
import { loadWebgpu, TFJS_WEBGPU_PACKAGE, WEBGPU_INSTALL } from './webgpu-backend.js';
import { formatAdapter } from './webgpu-adapter.js';

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * Threads for the wasm backend (XNNPACK); ignored by the others. Default: the machine's available parallelism
   * (at most 8, tfjs' worker pool). 2 or more runs tfjs' threaded wasm build, 1 the single-threaded one.
   */
  threads?: number;
  /** Where the chosen backend is logged. */
  logger?: Logger;
}

/** The selected TensorFlow.js instance and what it runs on. */
export interface SelectedBackend {
  /** The tfjs-core API, with the backend set. */
  tf: TensorFlow;
  /** Backend facts, recorded in every result. */
  info: BackendInfo;
}

/** One candidate backend: how to load it and what to tell the user when it cannot. */
interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  tfjsName: string;
  packageName: string;
  install: string;
  load: () => Promise<Omit<BackendInfo, 'name'>>;
}

/** Code of the error thrown when a forced backend cannot load. */
export const BACKEND_UNAVAILABLE = 'ADVBENCH_ERR_BACKEND_UNAVAILABLE';

/**
 * Throws unless the tfjs-node package has its native binding. Its install script downloads libtensorflow; where
 * that fails npm may still leave the JavaScript behind, and importing it then registers ~300 kernels before
 * failing. Checking the file first keeps `auto` quiet and fast.
 */
function assertNativeBinding(packageName: string): void {
  let folder: string;
  try {
    folder = dirname(createRequire(import.meta.url).resolve(`${packageName}/package.json`));
  } catch {
    throw new Error(`${packageName} is not installed`);
  }
  const lib = join(folder, 'lib');
  const found = existsSync(lib) && readdirSync(lib).some((entry) => entry.startsWith('napi-v') && existsSync(join(lib, entry, 'tfjs_binding.node')));
  if (!found) throw new Error(`${packageName} is installed without its native binding (${lib}/napi-v*/tfjs_binding.node is missing: its install script could not download libtensorflow)`);
}

async function loadNode(packageName: string, gpu: boolean): Promise<Omit<BackendInfo, 'name'>> {
  assertNativeBinding(packageName);
  const module = (await import(/* @vite-ignore */ packageName)) as { version?: Record<string, string> };
  return {
    package: packageName,
    version: module.version?.[packageName.replace('@tensorflow/', '')] ?? module.version?.['tfjs-node'] ?? tf.version_core,
    threads: availableParallelism(),
    gpu,
  };
}

/** The most XNNPACK threads tfjs' threaded wasm build can run (its pthread pool has 8 workers). */
const MAX_WASM_THREADS = 8;

async function loadWasm(requested: number | undefined, logger: Logger | undefined): Promise<Omit<BackendInfo, 'name'>> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = Math.min(MAX_WASM_THREADS, requested ?? availableParallelism());
  if (threads >= 2 && !isWasmBackendInitialised()) {
    try {
      await registerThreadedWasmBackend(threads);
    } catch (error) {
      logger?.warn(`wasm: the threaded build could not start (${reasonOf(error)}); running single-threaded`);
      wasm.setThreadsCount(1);
    }
  } else if (!isWasmBackendInitialised()) {
    wasm.setThreadsCount(1);
  }
  registerWasmKernels();
  return { package: '@tensorflow/tfjs-backend-wasm', version: wasm.version_wasm, threads: 1, gpu: false };
}

async function loadCpu(): Promise<Omit<BackendInfo, 'name'>> {
  const cpu = await import('@tensorflow/tfjs-backend-cpu');
  return { package: '@tensorflow/tfjs-backend-cpu', version: cpu.version_cpu, threads: 1, gpu: false };
}

function candidates(options: SelectBackendOptions, auto: boolean): Candidate[] {
  return [
    {
      choice: 'tensorflow-gpu',
      tfjsName: 'tensorflow',
      packageName: '@tensorflow/tfjs-node-gpu',
      install: 'npm i @tensorflow/tfjs-node-gpu@4.22.0 (its install script downloads libtensorflow 2.9.1 for GPU, so it needs network access; it runs on CUDA 11.2 with cuDNN 8.1, see README)',
      load: () => loadNode('@tensorflow/tfjs-node-gpu', true),
    },
    {
      choice: 'webgpu',
      tfjsName: 'webgpu',
      packageName: TFJS_WEBGPU_PACKAGE,
      install: WEBGPU_INSTALL,
      // In auto only a hardware adapter counts: a software one (lavapipe) is slower than wasm.
      load: () => loadWebgpu({ hardwareOnly: auto }),
    },
    {
      choice: 'tensorflow',
      tfjsName: 'tensorflow',
      packageName: '@tensorflow/tfjs-node',
      install: 'npm i @tensorflow/tfjs-node@4.22.0 (its install script downloads libtensorflow)',
      load: () => loadNode('@tensorflow/tfjs-node', false),
    },
    {
      choice: 'wasm',
      tfjsName: 'wasm',
      packageName: '@tensorflow/tfjs-backend-wasm',
      install: 'npm i @tensorflow/tfjs-backend-wasm@4.22.0',
      load: () => loadWasm(options.threads, options.logger),
    },
    {
      choice: 'cpu',
      tfjsName: 'cpu',
      packageName: '@tensorflow/tfjs-backend-cpu',
      install: 'npm i @tensorflow/tfjs-backend-cpu@4.22.0',
      load: () => loadCpu(),
    },
  ];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads one candidate and makes it the active backend; throws the load error as is. */
async function activate(candidate: Candidate): Promise<BackendInfo> {
  useUnfusedConvolutionGradients();
  useFoldedInference();
  useBroadcastBatchNormGradient();
  useFusedBatchNormTraining();
  const partial = await candidate.load();
  const ok = await tf.setBackend(candidate.tfjsName);
  if (!ok) {
    throw new Error(`tf.setBackend('${candidate.tfjsName}') returned false (the backend failed to initialise)`);
  }
  await tf.ready();
  // wasm or cpu chosen on purpose: tfjs' "install tfjs-node" banner would only repeat what auto already decided.
  if (candidate.tfjsName !== 'tensorflow') silenceCpuBackendBanner();
  const info: BackendInfo = { name: candidate.tfjsName, ...partial };
  if (candidate.tfjsName === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    info.threads = wasm.getThreadsCount();
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  }
  return info;
}

/** The log line naming the chosen backend: package, version, threads, SIMD, GPU, and the WebGPU adapter. */
function describeBackend(info: BackendInfo): string {
  if (info.webgpu !== undefined) {
    return `compute backend: ${info.name} (${info.package} ${info.version}, ${info.webgpu.package}, adapter ${formatAdapter(info.webgpu)})`;
  }
  return `compute backend: ${info.name} (${info.package} ${info.version}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.simd === undefined ? '' : info.simd ? ', SIMD' : ', no SIMD'}${info.gpu ? ', CUDA GPU' : ''})`;
}

/**
 * Chooses the compute backend and makes it tfjs' active backend.
 *
 * `auto` tries tfjs-node-gpu (CUDA), then webgpu when its adapter is a hardware GPU (Dawn for Node; a software
 * adapter such as lavapipe is skipped), then tfjs-node, then wasm (with advbench's fast gradient kernels
 * registered, see {@link registerWasmKernels}), then the pure-JS cpu backend, and takes the first that loads.
 * A forced choice that cannot load throws an input error (exit code 2, code {@link BACKEND_UNAVAILABLE}) naming
 * the backend, the reason (the import error) and what to install. The choice is logged with its version and
 * thread count.
 */
export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const all = candidates(options, choice === 'auto');
  const tried: Array<{ backend: string; reason: string }> = [];
  const chosen = choice === 'auto' ? all : all.filter((candidate) => candidate.choice === choice);
  if (chosen.length === 0) {
    throw inputError(BACKEND_UNAVAILABLE, `unknown backend '${String(choice)}': use auto, tensorflow-gpu, webgpu, tensorflow, wasm or cpu`, {
      details: { backend: choice },
    });
  }
  for (const candidate of chosen) {
    try {
      const info = await activate(candidate);
      options.logger?.info(describeBackend(info), { ...info });
      return { tf, info };
    } catch (error) {
      const reason = reasonOf(error);
      tried.push({ backend: candidate.choice, reason });
      options.logger?.debug(`backend ${candidate.choice} unavailable: ${reason}`);
      if (choice !== 'auto') {
        throw inputError(
          BACKEND_UNAVAILABLE,
          `backend '${candidate.choice}' cannot load: ${reason}. Install it with: ${candidate.install}`,
          { cause: error, details: { backend: candidate.choice, package: candidate.packageName, reason, install: candidate.install } },
        );
      }
    }
  }
  throw inputError(BACKEND_UNAVAILABLE, `no compute backend could load: ${tried.map((item) => `${item.backend}: ${item.reason}`).join('; ')}`, {
    details: { tried },
  });
}
