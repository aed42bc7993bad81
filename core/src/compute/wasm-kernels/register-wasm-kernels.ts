import { getKernel, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createConv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { createConv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { createSliceKernel } from './slice.js';
import { createChannelReductionKernel } from './channel-reduction.js';
import { createFusedBatchNormKernel } from './fused-batch-norm.js';
import { createIdentityKernel } from './identity.js';
import { createBatchNormTrainingKernel } from './batch-norm-training.js';
import { createBatchNormTrainingGradKernel } from './batch-norm-training-grad.js';
import { createMovingAveragesKernel } from './moving-averages.js';
import { createSgdMomentumKernel } from './sgd-momentum.js';
import { createReluGradKernel } from './relu-grad.js';
import { createBatchNormInputGradKernel } from './batch-norm-input-grad.js';
import { createReluKernel } from './relu.js';
import { createPadImagesKernel } from './pad-images.js';
import { createCropImagesKernel } from './crop-images.js';
import { createAddKernel } from './add.js';
import { padGradientConfig } from './pad-gradient.js';
import { batchNormTrainingGradientConfig } from './batch-norm-training-gradient.js';
import { reluGradientConfig } from './relu-gradient.js';
import { simdKernelsSupported } from '../wasm-simd/load-simd-kernels.js';

let registered: string[] | undefined;

/** Builds advbench's wasm kernels (the stock ones they replace are passed as fallbacks where useful). */
function advbenchWasmKernels(simd: boolean): KernelConfig[] {
  const stockInput = getKernel('Conv2DBackpropInput', 'wasm');
  const stockSlice = getKernel('Slice', 'wasm');
  const stock = (name: string) => getKernel(name, 'wasm')?.kernelFunc;
  const kernels = [
    createConv2dBackpropInputKernel(stockInput?.kernelFunc),
    createConv2dBackpropFilterKernel(),
    createSliceKernel(stockSlice?.kernelFunc),
    createFusedBatchNormKernel(stock('FusedBatchNorm')),
    createChannelReductionKernel('Sum', stock('Sum')),
    createChannelReductionKernel('Mean', stock('Mean')),
    createIdentityKernel(),
  ];
  if (simd) {
    kernels.push(
      createBatchNormTrainingKernel(),
      createBatchNormTrainingGradKernel(),
      createMovingAveragesKernel(),
      createSgdMomentumKernel(),
      createReluGradKernel(),
      createBatchNormInputGradKernel(),
      createReluKernel(stock('Relu')),
      createPadImagesKernel(stock('PadV2')),
      createCropImagesKernel(),
      createAddKernel(stock('Add')),
    );
  }
  return kernels;
}

/**
 * Registers advbench's fast kernels for the tfjs wasm backend (replacing stock ones of the same name): gradient
 * building blocks, a buffer-sharing Identity, per-channel reductions and batch norm, and, where WebAssembly SIMD
 * is available, the kernels of advbench's SIMD module (training batch norm forward and backward, moving
 * averages, fused SGD with momentum, ReLU gradient) and of the pointwise module (ReLU, spatial zero padding and its
 * gradient, the inference batch-norm input gradient, same-shape Add) with the gradients that use them (the Relu and PadV2
 * gradients keep tfjs' formulas on other backends). Idempotent. Needs `@tensorflow/tfjs-backend-wasm` imported first (its
 * kernels are the building blocks). Returns the names of the kernels registered.
 */
export function registerWasmKernels(): string[] {
  if (registered !== undefined) {
    return registered;
  }
  const simd = simdKernelsSupported();
  const kernels = advbenchWasmKernels(simd);
  for (const kernel of kernels) {
    const stock = getKernel(kernel.kernelName, 'wasm');
    if (stock !== undefined) {
      unregisterKernel(kernel.kernelName, 'wasm');
    }
    // Keep the stock kernel's setup (its cwrap bindings), which the fallback paths call into.
    registerKernel(stock?.setupFunc === undefined ? kernel : { ...kernel, setupFunc: stock.setupFunc });
  }
  if (simd) {
    registerGradient(batchNormTrainingGradientConfig);
    registerGradient(reluGradientConfig);
    registerGradient(padGradientConfig);
  }
  registered = kernels.map((kernel) => kernel.kernelName);
  return registered;
}
