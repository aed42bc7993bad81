import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel, Tensor1D, Tensor4D } from '../plugin-api/index.js';
import { buildBenchResnet } from '../models/zoo/bench-resnet.js';
import { createRandom } from '../random/seeded-random.js';
import { selectBackend } from './select-backend.js';
import { createInputGradient } from './input-gradient.js';
import { createTrainStep } from './train-step.js';
import { webgpuAvailable } from './testing/webgpu-availability.js';

// On lavapipe (software Vulkan, CI) every kernel is slow: tiny shapes only.
const webgpu = await webgpuAvailable();
if (!webgpu.available) console.warn(`webgpu tests skipped: ${webgpu.reason}`);

function batchOf(seed: number, batch: number): { x: Tensor4D; y: Tensor1D } {
  const rng = createRandom(seed);
  const x = tf.tensor4d(Float32Array.from({ length: batch * 8 * 8 * 1 }, () => rng.next()), [batch, 8, 8, 1]) as Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(10)), 'int32') as Tensor1D;
  return { x, y };
}

async function values(tensor: Tensor): Promise<Float32Array> {
  return (await tensor.data()) as Float32Array;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index])), 0);
}

/** Input gradient, then three SGD steps of a width-2 bench-resnet (stride-2 convolutions, batch norm, projection shortcuts). */
async function trace(backend: 'cpu' | 'webgpu'): Promise<{ inputGradient: Float32Array; losses: number[]; weights: Float32Array[] }> {
  await selectBackend(backend);
  const model: LayersModel = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 4 });
  const { x, y } = batchOf(7, 4);
  const gradient = createInputGradient(tf, model)(x, y);
  const inputGradient = await values(gradient);
  gradient.dispose();
  const step = createTrainStep(tf, model, { learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  const losses: number[] = [];
  for (let index = 0; index < 3; index += 1) losses.push(await step.run(x, y));
  const weights = await Promise.all(model.getWeights().map((weight) => values(weight)));
  step.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { inputGradient, losses, weights };
}

describe.skipIf(!webgpu.available)('webgpu backend (Dawn for Node; lavapipe in CI)', () => {
  it('records and logs the adapter, its vendor and every limit, requested at the adapter maximum', async () => {
    const messages: string[] = [];
    const { info } = await selectBackend('webgpu', { logger: { debug: () => undefined, info: (message) => messages.push(message), warn: () => undefined } });
    expect(tf.getBackend()).toBe('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', version: tf.version_core });
    const adapter = info.webgpu;
    expect(adapter?.package).toMatch(/^webgpu@\d+\.\d+\.\d+$/);
    expect(adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(adapter?.limits.maxComputeWorkgroupSizeX).toBeGreaterThan(0);
    expect(info.gpu).toBe(adapter?.software === false);
    // The device got the adapter's maxima (tfjs' own factory would leave most at the WebGPU defaults).
    const device = (tf.backend() as unknown as { device: { limits: Record<string, number> } }).device;
    expect(device.limits.maxStorageBufferBindingSize).toBe(adapter?.limits.maxStorageBufferBindingSize);
    expect(device.limits.maxBufferSize).toBe(adapter?.limits.maxBufferSize);
    expect(messages.join('\n')).toContain(`adapter ${adapter?.description || adapter?.device}`);
  });

  it('auto skips a software adapter (it is slower than wasm) and takes a hardware one', async () => {
    const { info: forced } = await selectBackend('webgpu');
    const { info } = await selectBackend('auto');
    if (forced.webgpu?.software) {
      expect(info.name).not.toBe('webgpu');
    } else {
      expect(['tensorflow', 'webgpu']).toContain(info.name);
    }
  });

  it('refuses synchronous reads of GPU tensors with a message saying what to use instead', async () => {
    await selectBackend('webgpu');
    // A matrix product always runs on the GPU (tiny element-wise ops on fresh tensors may run on the CPU).
    const product = tf.tidy(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])));
    expect(() => product.dataSync()).toThrow(/await tensor\.data\(\)/);
    expect(Array.from(await product.data()).every((value) => value === 32)).toBe(true);
    product.dispose();
  });

  it('gives the input gradient and three train steps of cpu (within 1e-4), with no tensor growth', async () => {
    const reference = await trace('cpu');
    const before = tf.memory().numTensors;
    const gpu = await trace('webgpu');
    expect(tf.memory().numTensors).toBe(before);
    const scale = Math.max(...reference.inputGradient.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(maxDifference(gpu.inputGradient, reference.inputGradient) / scale).toBeLessThan(1e-4);
    gpu.losses.forEach((loss, index) => expect(Math.abs(loss - reference.losses[index])).toBeLessThan(1e-4));
    expect(reference.losses[2]).toBeLessThan(reference.losses[0]);
    reference.weights.forEach((weights, index) => expect(maxDifference(gpu.weights[index], weights)).toBeLessThan(1e-4));
  }, 300_000);

  it('reports a device error on the next read instead of returning garbage', async () => {
    const { info } = await selectBackend('webgpu');
    const limit = info.webgpu?.limits.maxStorageBufferBindingSize ?? 0;
    // Only where one tensor over the binding limit is affordable (lavapipe: 128 MiB).
    if (limit > 256 * 2 ** 20) return;
    const big = tf.fill([limit / 4 + 1024], 1);
    const doubled = tf.add(big, big);
    await expect(doubled.data()).rejects.toThrow(/webgpu device error: .*binding size/i);
    tf.dispose([big, doubled]);
  });
});
