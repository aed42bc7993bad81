import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ADVBENCH_SGD_MOMENTUM } from './advbench-kernel-names.js';
import { assertFloatInputs, assertSize } from './float-inputs.js';
import { loadSimdKernels } from '../wasm-simd/load-simd-kernels.js';
import { heapOffset } from '../wasm-simd/wasm-backend-internals.js';
import type { WasmBackendInternals } from '../wasm-simd/wasm-backend-internals.js';

/** Attributes of {@link ADVBENCH_SGD_MOMENTUM}. */
export interface SgdMomentumAttrs {
  /** Step size. */
  learningRate: number;
  /** Momentum factor (0: plain SGD; the velocity output is then the decayed gradient). */
  momentum: number;
  /** L2 weight decay added to the gradient. */
  weightDecay: number;
}

/**
 * One SGD-with-momentum update of one weight in one kernel, PyTorch semantics in float32 (the same operations in
 * the same order as the composite in train-step.ts): d = gradient + weightDecay * weight;
 * velocity' = momentum * velocity + d, or d when no velocity is given (the first step); weight' = weight -
 * learningRate * velocity'. Inputs weight, gradient, optional velocity (same size); outputs [weight', velocity'].
 */
export function createSgdMomentumKernel(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendInternals;
    const inputs = args.inputs as { weight: TensorInfo; gradient: TensorInfo; velocity?: TensorInfo };
    const { weight, gradient, velocity } = inputs;
    const { learningRate, momentum, weightDecay } = args.attrs as unknown as SgdMomentumAttrs;
    assertFloatInputs(ADVBENCH_SGD_MOMENTUM, { ...inputs });
    const count = util.sizeFromShape(weight.shape);
    assertSize(ADVBENCH_SGD_MOMENTUM, 'gradient', gradient, count);
    if (velocity !== undefined) {
      assertSize(ADVBENCH_SGD_MOMENTUM, 'velocity', velocity, count);
    }
    const newWeight = backend.makeOutput(weight.shape, 'float32');
    const newVelocity = backend.makeOutput(weight.shape, 'float32');
    if (count > 0) {
      const simd = loadSimdKernels(backend.wasm);
      simd.sgdMomentum(
        heapOffset(backend, weight), heapOffset(backend, gradient), velocity === undefined ? 0 : heapOffset(backend, velocity),
        velocity === undefined ? 0 : 1, count, learningRate, momentum, weightDecay, heapOffset(backend, newWeight),
        heapOffset(backend, newVelocity),
      );
    }
    return [newWeight, newVelocity];
  };
  return { kernelName: ADVBENCH_SGD_MOMENTUM, backendName: 'wasm', kernelFunc };
}
