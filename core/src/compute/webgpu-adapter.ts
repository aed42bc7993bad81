import type { WebgpuBackendDescription } from '../store/result-types.js';

/** The parts of a WebGPU adapter (Dawn for Node, package `webgpu`) advbench reads. */
export interface WebgpuAdapterHandle {
  /** GPUAdapterInfo: vendor, architecture, device, description and (newer Dawn) isFallbackAdapter. */
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  /** Older spelling of the fallback flag, on the adapter itself. */
  isFallbackAdapter?: boolean;
  /** GPUSupportedLimits: named numeric getters. */
  limits: object;
  /** GPUSupportedFeatures: a set of feature names. */
  features: { has(name: string): boolean };
  /** Creates the device. */
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<unknown>;
}

/** What a run records about its WebGPU adapter (a result's `backend.webgpu`, less the package). */
export type WebgpuAdapterDescription = Omit<WebgpuBackendDescription, 'package'>;

/** Names that only software (CPU) Vulkan / WebGPU implementations report. */
const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|software|warp|basic render/i;

/**
 * Every numeric limit of a GPUSupportedLimits object. Its limits are getters on the prototype, so
 * `Object.keys` sees none of them; walking the prototype chain finds them.
 */
export function readLimits(limits: object): Record<string, number> {
  const names = new Set<string>();
  for (let level: object | null = limits; level !== null && level !== Object.prototype; level = Object.getPrototypeOf(level) as object | null) {
    for (const name of Object.getOwnPropertyNames(level)) names.add(name);
  }
  const result: Record<string, number> = {};
  for (const name of [...names].sort()) {
    const value = (limits as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isFinite(value)) result[name] = value;
  }
  return result;
}

/**
 * Whether an adapter computes on the CPU: it says so (`isFallbackAdapter`, architecture `software`) or its names
 * are those of a software implementation (lavapipe/llvmpipe, SwiftShader, WARP).
 */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter === true || info.architecture === 'software') return true;
  return [info.device, info.description].some((name) => name !== undefined && SOFTWARE_NAMES.test(name));
}

/** The description advbench records and logs for `adapter`. */
export function describeAdapter(adapter: WebgpuAdapterHandle): WebgpuAdapterDescription {
  const info = adapter.info ?? {};
  const facts = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
  };
  return {
    vendor: facts.vendor,
    architecture: facts.architecture,
    device: facts.device,
    description: facts.description,
    software: isSoftwareAdapter(facts),
    limits: readLimits(adapter.limits),
  };
}

/** One line naming the adapter and its memory limits, for the backend log line. */
export function formatAdapter(adapter: WebgpuAdapterDescription): string {
  const name = adapter.description || adapter.device || 'unnamed adapter';
  const mebibytes = (name: string): string => (adapter.limits[name] === undefined ? '?' : `${Math.floor(adapter.limits[name] / 2 ** 20)} MiB`);
  return `${name} (${adapter.vendor || 'unknown vendor'}${adapter.software ? ', software' : ', GPU'}; maxStorageBufferBindingSize ${mebibytes('maxStorageBufferBindingSize')}, maxBufferSize ${mebibytes('maxBufferSize')})`;
}
