import * as tf from '@tensorflow/tfjs-core';
import type { BackendInfo } from '../store/result-types.js';
import { describeAdapter, type WebgpuAdapterDescription, type WebgpuAdapterHandle } from './webgpu-adapter.js';
import { findVulkanLoader, VULKAN_LOADER } from './vulkan-loader.js';
import { probeWebgpuAdapter } from './webgpu-probe.js';

/** The npm package that brings Dawn (Google's WebGPU) to Node with a prebuilt `dawn.node`. */
export const DAWN_PACKAGE = 'webgpu';
/** The pinned Dawn for Node version advbench is tested with. */
export const DAWN_VERSION = '0.6.2';
/** tfjs' WebGPU backend (same version as tfjs-core). */
export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** What to install for the webgpu backend, named in every error it gives. */
export const WEBGPU_INSTALL = `npm i ${DAWN_PACKAGE}@${DAWN_VERSION} ${TFJS_WEBGPU_PACKAGE}@4.22.0, the Vulkan loader (Debian: apt-get install libvulkan1) and a Vulkan driver (a GPU's, or Mesa >= 23 lavapipe for a software adapter: apt-get install -t bookworm-backports mesa-vulkan-drivers)`;

/** A GPU device as far as advbench uses it. */
interface GpuDevice {
  destroy(): void;
  lost?: Promise<{ message?: string; reason?: string }>;
  addEventListener?(type: string, listener: (event: { error?: { message?: string } }) => void): void;
}

/** navigator.gpu of Dawn for Node. */
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<WebgpuAdapterHandle | null>;
}

/** The package `webgpu`: `create(dawnOptions)` returns a navigator.gpu; `globals` are the WebGPU globals (GPUBufferUsage...). */
interface DawnModule {
  create(options: string[]): Gpu;
  globals: Record<string, unknown>;
}

/** tfjs' WebGPU backend class (the part advbench touches). */
interface WebgpuBackendClass {
  new (device: unknown, adapterInfo?: unknown): tf.KernelBackend;
  prototype: {
    readSync(dataId: object): unknown;
    read(dataId: object): Promise<unknown>;
  };
}

/** The live WebGPU session: one adapter and device per process, shared by every selectBackend('webgpu'). */
interface WebgpuSession {
  gpu: Gpu;
  device: GpuDevice;
  adapter: WebgpuAdapterDescription;
  version: string;
  dawnVersion: string;
  /** Device errors not yet reported (validation, out of memory); the next read throws them. */
  errors: string[];
}

let session: WebgpuSession | undefined;
let patched = false;

/** Imports an optional package by name (not bundled: resolved at run time, so its absence is an error to report). */
async function importOptional<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ name)) as T;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The package.json version of an installed package, or `unknown`. */
async function installedVersion(name: string): Promise<string> {
  try {
    const { createRequire } = await import('node:module');
    const manifest = createRequire(import.meta.url)(`${name}/package.json`) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Why no adapter came back: the loader is missing, or the loader found no usable driver. */
function noAdapterReason(): string {
  if (process.platform === 'linux' && findVulkanLoader() === undefined) {
    return `no WebGPU adapter: the Vulkan loader ${VULKAN_LOADER} was not found (Debian: apt-get install libvulkan1; or put its folder on LD_LIBRARY_PATH)`;
  }
  return 'no WebGPU adapter: the Vulkan loader found no usable driver (install a GPU\'s Vulkan driver, for NVIDIA set '
    + 'VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json or wherever nvidia_icd.json is; for a software '
    + 'adapter Mesa >= 23 lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers, bookworm\'s Mesa 22 is too old)';
}

/**
 * Makes `globalThis.navigator.gpu` Dawn's and defines the WebGPU globals: tfjs' WebGPU backend checks for it when it is imported and when it is
 * constructed. Node 20 has no `navigator`; Node 21+ has one without `gpu`.
 */
function exposeGpu(gpu: Gpu, globals: Record<string, unknown>): void {
  // The WebGPU constants and classes a browser has (GPUBufferUsage, GPUMapMode, GPUShaderStage...), which tfjs uses.
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const global = globalThis as { navigator?: object };
  if (global.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return;
  }
  Object.defineProperty(global.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

/**
 * Adjusts tfjs' WebGPU backend for Node, once: synchronous reads of GPU tensors (`dataSync`, `arraySync`) need
 * the browser's OffscreenCanvas, which Node lacks, so they throw a clear error instead of a ReferenceError
 * (advbench's own code reads asynchronously); and an asynchronous read first reports any device error
 * (validation, out of memory) recorded since the last read, so a failed kernel never passes as zeros.
 */
function patchBackend(backendClass: WebgpuBackendClass): void {
  if (patched) return;
  const prototype = backendClass.prototype;
  const readSync = prototype.readSync;
  const read = prototype.read;
  prototype.readSync = function readSyncOnNode(this: { tensorMap: { get(id: object): { values?: unknown; dtype: string } } }, dataId: object) {
    const data = this.tensorMap.get(dataId);
    if (data.values != null || data.dtype === 'string') return readSync.call(this, dataId);
    throw new Error('webgpu backend: dataSync()/arraySync() cannot read a GPU tensor in Node (it needs the browser\'s OffscreenCanvas); read it with await tensor.data() or tensor.array()');
  };
  prototype.read = async function readChecked(this: unknown, dataId: object) {
    const values = await read.call(this, dataId);
    throwDeviceErrors();
    return values;
  };
  patched = true;
}

/** Throws (once) the device errors recorded since the last check. */
function throwDeviceErrors(): void {
  if (session === undefined || session.errors.length === 0) return;
  const errors = session.errors.splice(0);
  throw new Error(`webgpu device error: ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`);
}

/** Requests the device with every adapter limit at its maximum (tfjs' own factory asks for six of them). */
async function requestDevice(adapter: WebgpuAdapterHandle, description: WebgpuAdapterDescription): Promise<GpuDevice> {
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((name) => adapter.features.has(name));
  return (await adapter.requestDevice({ requiredLimits: { ...description.limits }, requiredFeatures })) as GpuDevice;
}

/**
 * Opens the WebGPU adapter (Dawn for Node), checks it, requests a device with the adapter's maximum limits and
 * registers tfjs' WebGPU backend on it under the name `webgpu` (replacing tfjs' own factory, which asks for
 * fewer limits). With `hardwareOnly` (what `auto` asks) the adapter is first probed in a child process
 * ({@link probeWebgpuAdapter}) and a missing or software one (lavapipe, SwiftShader) is refused before Dawn is
 * opened here, so nothing Dawn prints reaches this process's output. Every failure throws an Error naming what is missing and how to install it.
 * Idempotent within a process: later calls return the same device's facts.
 */
export async function loadWebgpu(options: { hardwareOnly?: boolean } = {}): Promise<Omit<BackendInfo, 'name'>> {
  if (session === undefined && options.hardwareOnly) {
    // auto: ask in a child process first, so that a machine where webgpu is not taken hears nothing from Dawn.
    const probe = await probeWebgpuAdapter();
    if (!probe.found) throw new Error(probe.detail === 'no WebGPU adapter' ? noAdapterReason() : probe.detail);
    if (probe.software) throw new Error(`the WebGPU adapter is a software (CPU) one: ${probe.detail}; auto takes webgpu only on a GPU (force it with --backend webgpu)`);
  }
  if (session === undefined) {
    let dawn: DawnModule;
    try {
      dawn = await importOptional<DawnModule>(DAWN_PACKAGE);
    } catch (error) {
      throw new Error(`the npm package ${DAWN_PACKAGE} (Dawn for Node) cannot load: ${reasonOf(error)}`);
    }
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null || adapter === undefined) throw new Error(noAdapterReason());
    const description = describeAdapter(adapter);
    if (options.hardwareOnly && description.software) {
      throw new Error(`the WebGPU adapter is a software (CPU) one: ${description.description || description.device}; auto takes webgpu only on a GPU (force it with --backend webgpu)`);
    }
    exposeGpu(gpu, dawn.globals);
    let backendModule: { WebGPUBackend: WebgpuBackendClass; version_webgpu?: string };
    try {
      backendModule = await importOptional(TFJS_WEBGPU_PACKAGE);
    } catch (error) {
      throw new Error(`the npm package ${TFJS_WEBGPU_PACKAGE} cannot load: ${reasonOf(error)}`);
    }
    const device = await requestDevice(adapter, description);
    const errors: string[] = [];
    device.addEventListener?.('uncapturederror', (event) => errors.push(event.error?.message ?? 'unknown error'));
    void device.lost?.then((info) => {
      if (info.reason !== 'destroyed') errors.push(`device lost: ${info.message ?? info.reason ?? 'unknown reason'}`);
    });
    patchBackend(backendModule.WebGPUBackend);
    if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new backendModule.WebGPUBackend(device, adapter.info), 3);
    session = {
      gpu,
      device,
      adapter: description,
      version: backendModule.version_webgpu ?? (await installedVersion(TFJS_WEBGPU_PACKAGE)),
      dawnVersion: await installedVersion(DAWN_PACKAGE),
      errors,
    };
  } else if (options.hardwareOnly && session.adapter.software) {
    throw new Error(`the WebGPU adapter is a software (CPU) one: ${session.adapter.description}; auto takes webgpu only on a GPU`);
  }
  return {
    package: TFJS_WEBGPU_PACKAGE,
    version: session.version,
    threads: 1,
    gpu: !session.adapter.software,
    webgpu: { package: `${DAWN_PACKAGE}@${session.dawnVersion}`, ...session.adapter },
  };
}

/**
 * Closes the WebGPU session: removes the `webgpu` backend, destroys the device and drops Dawn's navigator.gpu,
 * so the process can exit (Dawn keeps the event loop alive while it is referenced). A later
 * {@link loadWebgpu} opens a new one. Does nothing when no session is open.
 */
export function releaseWebgpu(): void {
  if (session === undefined) return;
  if (tf.findBackend('webgpu') !== null || tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  session.device.destroy();
  const navigator = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (navigator?.gpu === session.gpu) delete navigator.gpu;
  session = undefined;
}
