/** Test support for advbench's wasm kernels: compare a computation on the cpu and wasm backends. */
import * as tf from '@tensorflow/tfjs-core';

/** Max |actual - expected| over max |expected| (1 when expected is all zeros and actual is not). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length} != ${expected.length}`);
  }
  let difference = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index += 1) {
    difference = Math.max(difference, Math.abs(actual[index] - expected[index]));
    scale = Math.max(scale, Math.abs(expected[index]));
  }
  return scale === 0 ? difference : difference / scale;
}

/** Runs `compute` (tensors in, arrays out, inside tf.tidy) on the cpu and then the wasm backend. */
export async function onBothBackends<T extends tf.TensorContainer>(compute: () => T): Promise<{ cpu: T; wasm: T; leaked: number }> {
  await tf.setBackend('cpu');
  const cpu = tf.tidy(() => compute());
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const wasm = tf.tidy(() => compute());
  return { cpu, wasm, leaked: tf.memory().numTensors - before };
}
