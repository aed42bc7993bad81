import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { PluginContext, Tensor1D, Tensor2D, Tensor4D, TrainProgress } from '@advbench/core/plugin-api';
import pgdAttack from '@advbench/attack-pgd';
import { FileModelCache, createPluginContext, createRandom, createInMemoryDataset, brightDarkImages, createTinyModelAccess } from '@advbench/core/testkit';
import noneDefense, { parseNoneOptions, trainBaseModel, type NoneOptions } from './index.js';

let cacheDirectory: string;
let train: { x: Tensor4D; y: Tensor1D };
let test: { x: Tensor4D; y: Tensor1D };

/** A real plugin context over tiny data and a tiny model, with the real trainer and a shared file cache. */
function contextFor(options: NoneOptions, events: TrainProgress[] = []): PluginContext {
  const dataset = createInMemoryDataset(tf, { ...train, classes: 2 });
  const cache = new FileModelCache(cacheDirectory, { datasetHash: dataset.info.contentHash, architecture: 'tiny-mlp', seed: 11, codeVersion: 'test' });
  const context: PluginContext = createPluginContext({
    tf,
    dataset,
    models: createTinyModelAccess([4, 4, 1]),
    rng: createRandom(11),
    cache,
    progress: { train: (event) => events.push(event) },
    entryName: 'none',
    base: () => trainBaseModel(context, options),
  });
  return context;
}

function accuracy(probabilities: Tensor2D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(probabilities, 1), test.y), 'float32')).dataSync()[0]);
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  cacheDirectory = mkdtempSync(join(tmpdir(), 'advbench-none-test-'));
  const rng = createRandom(2);
  train = brightDarkImages(tf, { count: 64, rng: rng.fork('train') });
  test = brightDarkImages(tf, { count: 32, rng: rng.fork('test') });
});

afterAll(() => {
  tf.dispose([train.x, train.y, test.x, test.y]);
  rmSync(cacheDirectory, { recursive: true, force: true });
});

describe('defense none', () => {
  const options = parseNoneOptions({ epochs: 4, batchSize: 8, learningRate: 0.1 });

  it('trains the base model once and loads it from the cache the second time', async () => {
    const events: TrainProgress[] = [];
    const first = await trainBaseModel(contextFor(options, events), options);
    expect(first.cost).toMatchObject({ examples: 256, forwardPasses: 256, backwardPasses: 256, cached: false });
    expect(first.key).toMatch(/^none:[0-9a-f]{64}$/);
    expect(events).toHaveLength(32);
    expect(events[0].phase).toBe('base');

    const again: TrainProgress[] = [];
    const second = await trainBaseModel(contextFor(options, again), options);
    expect(again).toHaveLength(0);
    expect(second.cost).toEqual({ ...first.cost, cached: true });
    expect(second.key).toBe(first.key);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(first.model.predict(test.x) as Tensor2D, second.model.predict(test.x) as Tensor2D))).dataSync()[0]);
    expect(difference).toBeLessThan(1e-6);

    // Other options are another cache entry.
    const other = parseNoneOptions({ epochs: 1, batchSize: 8, learningRate: 0.1 });
    const third = await trainBaseModel(contextFor(other), other);
    expect(third.cost.cached).toBe(false);
    expect(third.key).not.toBe(first.key);
    [first, second, third].forEach((base) => base.model.dispose());
  });

  it('decides by the softmax of the base model and offers one full logits surface that PGD breaks', async () => {
    const context = contextFor(options);
    const defense = await noneDefense.create(context, options);
    expect(() => defense.classifier.predict(test.x, createRandom(0))).toThrow(/before prepare/);
    await defense.prepare();
    const before = tf.memory().numTensors;
    const probabilities = defense.classifier.predict(test.x, createRandom(0));
    expect(defense.classifier.randomized).toBe(false);
    const rowSums = tf.tidy(() => Array.from(tf.sum(probabilities, 1).dataSync()));
    rowSums.forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    expect(accuracy(probabilities)).toBeGreaterThan(0.9);
    probabilities.dispose();
    expect(defense.defaultSurfaces()).toEqual(['full']);
    const [surface] = defense.surfaces();
    expect(surface).toMatchObject({ name: 'full', output: 'logits', randomized: false });
    expect(defense.cost().examples).toBe(256);
    expect(defense.describe()).toMatchObject({ epochs: 4, baseKey: expect.stringMatching(/^none:/) });

    const attack = await pgdAttack.create(context, pgdAttack.parseOptions({ steps: 20 }));
    const adversarial = await attack.run({ surface, x: test.x, y: test.y, epsilon: 0.4, rng: createRandom(1) });
    const attacked = defense.classifier.predict(adversarial, createRandom(0));
    expect(accuracy(attacked)).toBeLessThanOrEqual(0.05);
    tf.dispose([adversarial, attacked]);
    expect(tf.memory().numTensors).toBe(before);
    const base = await context.base();
    defense.dispose();
    base.model.dispose();
  });

  it('refuses pretrained without pretrained weights, and bad options, with input errors', async () => {
    const pretrained = parseNoneOptions({ pretrained: true });
    await expect(trainBaseModel(contextFor(pretrained), pretrained)).rejects.toMatchObject({ code: 'ADVBENCH_ERR_NONE_PRETRAINED', exitCode: 2 });
    expect(() => parseNoneOptions({ epochs: -1 })).toThrow(/none options\.epochs must be >= 0/);
    expect(() => parseNoneOptions({ lr: 0.1 })).toThrow(/lr is not a known option/);
    expect(parseNoneOptions(undefined)).toEqual({ epochs: 2, batchSize: 128, learningRate: 0.05, schedule: 'cosine', momentum: 0.9, weightDecay: 5e-4, pretrained: false });
  });
});
