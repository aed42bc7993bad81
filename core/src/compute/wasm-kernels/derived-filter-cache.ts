import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's buffer records the cache needs: whether a buffer is still alive. */
interface LivenessBackend extends KernelBackend {
  dataIdMap: { has(dataId: DataId): boolean };
}

/** The most derived tensors kept per backend (folded filters and biases, their rotations and sub-pixel phases, of several checkpoints of a small ResNet). */
export const MAXIMUM_DERIVED_FILTERS = 1024;

/** Derived tensors of one source buffer, by derivation key (which includes the source's shape). */
type DerivedTensors = Map<string, TensorInfo>;

/** Per backend: source buffer -> its derived tensors, least recently used first. */
const caches = new WeakMap<KernelBackend, Map<DataId, DerivedTensors>>();

function cacheOf(backend: KernelBackend): Map<DataId, DerivedTensors> {
  let cache = caches.get(backend);
  if (cache === undefined) {
    cache = new Map();
    caches.set(backend, cache);
  }
  return cache;
}

function releaseAll(backend: KernelBackend, derived: DerivedTensors): void {
  for (const info of derived.values()) {
    backend.disposeData(info.dataId);
  }
}

/**
 * Releases the derived tensors of sources whose buffers are gone, then the oldest until at most `limit` remain
 * (never those of `keep`, the source just used).
 */
function prune(backend: LivenessBackend, cache: Map<DataId, DerivedTensors>, limit: number, keep: DataId): void {
  let count = 0;
  for (const [source, derived] of cache) {
    if (!backend.dataIdMap.has(source)) {
      releaseAll(backend, derived);
      cache.delete(source);
    } else {
      count += derived.size;
    }
  }
  for (const [source, derived] of cache) {
    if (count <= limit) {
      break;
    }
    if (source === keep) {
      continue;
    }
    count -= derived.size;
    releaseAll(backend, derived);
    cache.delete(source);
  }
}

/**
 * A tensor derived from a filter (its rotation, a sub-pixel phase's taps), computed by `derive` once per source
 * buffer and reused while that buffer lives: PGD runs the same weights many times, and a reused filter buffer also
 * keeps XNNPACK's packed operator (tfjs caches it by filter buffer) instead of re-creating it on every call.
 * `key` names the derivation; the source's shape is added to it (a reshape shares the buffer). The cache owns the
 * result: callers must not release it. Entries whose source buffer was disposed (weights replaced by a training
 * step) are released on the next miss, and at most {@link MAXIMUM_DERIVED_FILTERS} are kept per backend.
 * Relies on tfjs' convention that a buffer's values never change once written (new values get a new data id).
 */
export function derivedFilter(backend: KernelBackend, source: TensorInfo, key: string, derive: () => TensorInfo): TensorInfo {
  const cache = cacheOf(backend);
  const fullKey = `${key}@${source.shape.join('x')}`;
  const derived = cache.get(source.dataId);
  const cached = derived?.get(fullKey);
  if (derived !== undefined) {
    // Most recently used last.
    cache.delete(source.dataId);
    cache.set(source.dataId, derived);
  }
  if (cached !== undefined) {
    return cached;
  }
  const result = derive();
  // Re-read: `derive` may itself have cached another derivation of the same source.
  const entries = cache.get(source.dataId) ?? new Map<string, TensorInfo>();
  entries.set(fullKey, result);
  cache.set(source.dataId, entries);
  prune(backend as LivenessBackend, cache, MAXIMUM_DERIVED_FILTERS, source.dataId);
  return result;
}

/** How many derived tensors the cache of `backend` holds. */
export function derivedFilterCount(backend: KernelBackend): number {
  let count = 0;
  for (const derived of caches.get(backend)?.values() ?? []) {
    count += derived.size;
  }
  return count;
}

/** Releases every derived tensor cached for `backend`. */
export function releaseDerivedFilters(backend: KernelBackend): void {
  const cache = caches.get(backend);
  if (cache === undefined) {
    return;
  }
  for (const derived of cache.values()) {
    releaseAll(backend, derived);
  }
  cache.clear();
}
