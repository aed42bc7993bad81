import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { buildKerasResnet } from './keras-resnet.js';

describe('ResNet-152 on wasm', () => {
  it('runs a forward pass on one 224x224x3 image (slow)', async () => {
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const model = buildKerasResnet(152, { inputShape: [224, 224, 3], classes: 1000, seed: 7 });
    const before = tf.memory().numTensors;
    const started = performance.now();
    const logits = tf.tidy(() => model.predict(tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 11)) as tf.Tensor);
    const values = await logits.data();
    const seconds = (performance.now() - started) / 1000;
    logits.dispose();
    expect(logits.shape).toEqual([1, 1000]);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    console.log(`resnet152 forward, one 224x224x3 image on wasm: ${seconds.toFixed(2)} s`);
    model.dispose();
  }, 300_000);
});
