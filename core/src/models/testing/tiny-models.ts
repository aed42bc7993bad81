import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '../../plugin-api/index.js';
import { buildCifarResnet } from '../zoo/cifar-resnet.js';

/** A tiny CIFAR-style ResNet (width 4, one block a stage) for fast IO tests. */
export function tinyResnet(options: { classes?: number; seed?: number; inputShape?: [number, number, number] } = {}): LayersModel {
  return buildCifarResnet({ name: 'tiny-resnet', width: 4, blocksPerStage: 1 }, { inputShape: options.inputShape ?? [8, 8, 1], classes: options.classes ?? 3, seed: options.seed ?? 1 });
}

/** Writes seeded random values into every weight (batch-norm statistics included), so no weight is a constant. */
export function randomizeWeights(model: LayersModel, seed: number): void {
  model.weights.forEach((weight, index) => {
    tf.tidy(() => {
      const shape = weight.shape as number[];
      weight.write(tf.randomUniform(shape, 0.5, 1.5, 'float32', seed * 1000 + index));
    });
  });
}

/** The raw bytes of every weight of `model`, by weight name (`layer/weight`). */
export function weightBytes(model: LayersModel): Map<string, Uint8Array> {
  const bytes = new Map<string, Uint8Array>();
  for (const weight of model.weights) {
    const values = weight.read().dataSync() as Float32Array;
    bytes.set(weight.originalName, new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  }
  return bytes;
}

/** Runs `model` on a fixed seeded batch and returns its outputs. */
export function predictFixed(model: LayersModel, seed = 9): Float32Array {
  return tf.tidy(() => {
    const shape = model.inputs[0].shape.slice(1) as number[];
    const output = model.predict(tf.randomUniform([2, ...shape], 0, 1, 'float32', seed)) as tf.Tensor;
    return output.dataSync() as Float32Array;
  });
}
