import * as tf from '@tensorflow/tfjs-core';

/**
 * Stops tfjs' cpu backend from printing its "Hi, looks like you are running TensorFlow.js in Node.js ... install
 * our node backend" banner on its first tensor. advbench picks its backend itself (`auto` prefers tfjs-node and
 * logs why it fell back), so the banner is noise wherever wasm or cpu was chosen on purpose. The banner is shown
 * once per backend instance, on first use: marking that use done is the only switch tfjs has besides muting every
 * warning (`PROD`). No-op when the cpu backend is not registered.
 */
export function silenceCpuBackendBanner(): void {
  if (!('cpu' in tf.engine().registryFactory)) return;
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend !== null && 'firstUse' in backend) backend.firstUse = false;
}
