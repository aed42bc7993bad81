import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createConv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { createConv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { createSliceKernel } from './slice.js';
import { createChannelReductionKernel } from './channel-reduction.js';
import { createFusedBatchNormKernel } from './fused-batch-norm.js';

let registered: string[] | undefined;

/** Builds advbench's wasm kernels (the stock ones they replace are passed as fallbacks where useful). */
function advbenchWasmKernels(): KernelConfig[] {
  const stockInput = getKernel('Conv2DBackpropInput', 'wasm');
  const stockSlice = getKernel('Slice', 'wasm');
  const stock = (name: string) => getKernel(name, 'wasm')?.kernelFunc;
  return [
    createConv2dBackpropInputKernel(stockInput?.kernelFunc),
    createConv2dBackpropFilterKernel(),
    createSliceKernel(stockSlice?.kernelFunc),
    createFusedBatchNormKernel(stock('FusedBatchNorm')),
    createChannelReductionKernel('Sum', stock('Sum')),
    createChannelReductionKernel('Mean', stock('Mean')),
  ];
}

/**
 * Registers advbench's fast gradient kernels for the tfjs wasm backend (replacing stock ones of the same name).
 * Idempotent. Needs `@tensorflow/tfjs-backend-wasm` imported first (its kernels are the building blocks).
 * Returns the names of the kernels registered.
 */
export function registerWasmKernels(): string[] {
  if (registered !== undefined) {
    return registered;
  }
  const kernels = advbenchWasmKernels();
  for (const kernel of kernels) {
    const stock = getKernel(kernel.kernelName, 'wasm');
    if (stock !== undefined) {
      unregisterKernel(kernel.kernelName, 'wasm');
    }
    // Keep the stock kernel's setup (its cwrap bindings), which the fallback paths call into.
    registerKernel(stock?.setupFunc === undefined ? kernel : { ...kernel, setupFunc: stock.setupFunc });
  }
  registered = kernels.map((kernel) => kernel.kernelName);
  return registered;
}
