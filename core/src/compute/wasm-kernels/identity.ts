import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/**
 * Identity for the wasm backend that shares the input's buffer (one more reference) instead of copying it, as
 * tfjs-backend-cpu's Identity and wasm's own Reshape do. tfjs tensors are immutable, so sharing is safe. The
 * engine runs Identity for every tensor it saves for backprop (`clone`), so the copies were a real cost.
 */
export function createIdentityKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const { x } = args.inputs as { x: TensorInfo };
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: Identity, backendName: 'wasm', kernelFunc };
}
