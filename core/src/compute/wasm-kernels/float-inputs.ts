import { util } from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** Throws unless every given input is float32 (advbench's SIMD kernels compute in float32 only). */
export function assertFloatInputs(kernelName: string, inputs: Record<string, TensorInfo | undefined | null>): void {
  for (const [name, info] of Object.entries(inputs)) {
    if (info !== undefined && info !== null && info.dtype !== 'float32') {
      throw new Error(`wasm ${kernelName}: input '${name}' must be float32, got ${info.dtype}`);
    }
  }
}

/** Throws unless `info` holds exactly `size` values. */
export function assertSize(kernelName: string, name: string, info: TensorInfo, size: number): void {
  const actual = util.sizeFromShape(info.shape);
  if (actual !== size) {
    throw new Error(`wasm ${kernelName}: input '${name}' must have ${size} values, got shape [${info.shape.join(', ')}]`);
  }
}
