import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { applyPreset } from '@advbench/core/plugin-api';
import type { AttackFactory, BaseModel, DefenseInstance, PluginContext, Tensor1D, Tensor2D, Tensor4D, TrainProgress } from '@advbench/core/plugin-api';
import pgdAttack from '@advbench/attack-pgd';
import noneDefense, { parseNoneOptions, trainBaseModel } from '@advbench/defense-none';
import { FileModelCache, createPluginContext, createRandom, createInMemoryDataset, robustFeatureImages, createTinyModelAccess } from '@advbench/core/testkit';
import advTraining, { ADV_TRAINING_PRESETS, parseAdvTrainingOptions } from './index.js';

let cacheDirectory: string;
let train: { x: Tensor4D; y: Tensor1D };
let test: { x: Tensor4D; y: Tensor1D };
const baseOptions = parseNoneOptions({ epochs: 4, batchSize: 8, learningRate: 0.1, schedule: 'constant' });

interface Harness {
  context: PluginContext;
  events: TrainProgress[];
  attackRequests: { reference: string; options: unknown }[];
}

/** A real plugin context: in-memory data, tiny model, real trainer, a shared file cache, the real pgd plugin. */
function harness(): Harness {
  const events: TrainProgress[] = [];
  const attackRequests: { reference: string; options: unknown }[] = [];
  const dataset = createInMemoryDataset(tf, { ...train, classes: 2 });
  const cache = new FileModelCache(cacheDirectory, { datasetHash: dataset.info.contentHash, architecture: 'tiny-mlp', seed: 5, codeVersion: 'test' });
  const attacks: AttackFactory = {
    create: async (reference, options) => {
      attackRequests.push({ reference, options });
      return pgdAttack.create(context, pgdAttack.parseOptions(options));
    },
  };
  const context: PluginContext = createPluginContext({
    tf,
    dataset,
    models: createTinyModelAccess([4, 4, 1]),
    rng: createRandom(5),
    cache,
    attacks,
    progress: { train: (event) => events.push(event) },
    entryName: 'adv-training',
    base: () => trainBaseModel(context, baseOptions),
  });
  return { context, events, attackRequests };
}

/** Accuracy of a prepared defense's real decision rule under PGD-20 at `epsilon` on its full surface. */
async function robustAccuracy(defense: DefenseInstance, context: PluginContext, epsilon: number): Promise<number> {
  const attack = await pgdAttack.create(context, pgdAttack.parseOptions({ steps: 20, restarts: 2 }));
  const adversarial = await attack.run({ surface: defense.surfaces()[0], x: test.x, y: test.y, epsilon, rng: createRandom(9) });
  const accuracy = tf.tidy(() => {
    const probabilities = defense.classifier.predict(adversarial, createRandom(0)) as Tensor2D;
    return tf.mean(tf.cast(tf.equal(tf.argMax(probabilities, 1), test.y), 'float32')).dataSync()[0];
  });
  adversarial.dispose();
  return accuracy;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  cacheDirectory = mkdtempSync(join(tmpdir(), 'advbench-adv-training-test-'));
  const rng = createRandom(4);
  // One robust feature and many non-robust ones: standard training breaks at eps 0.15, a robust model exists.
  train = robustFeatureImages(tf, { count: 64, rng: rng.fork('train') });
  test = robustFeatureImages(tf, { count: 64, rng: rng.fork('test') });
});

afterAll(() => {
  tf.dispose([train.x, train.y, test.x, test.y]);
  rmSync(cacheDirectory, { recursive: true, force: true });
});

describe('defense adv-training', () => {
  it('fast mode fine-tuned from the base is more robust than the base, and costs 2 passes per example', async () => {
    const options = parseAdvTrainingOptions({ mode: 'fast', epsilon: 0.15, epochs: 6, batchSize: 8, learningRate: 0.05 });
    const { context, events, attackRequests } = harness();
    const defense = await advTraining.create(context, options);
    await defense.prepare();
    expect(attackRequests).toEqual([{ reference: 'pgd', options: expect.objectContaining({ steps: 1, stepSizeFactor: 1.25, randomStart: true, keep: 'last' }) }]);
    expect(defense.cost()).toMatchObject({ examples: 6 * 64, forwardPasses: 2 * 6 * 64, backwardPasses: 2 * 6 * 64, cached: false });
    expect(events.find((event) => event.phase === 'adversarial (fast)')).toMatchObject({ epochs: 6, steps: 8 });
    expect(defense.describe()).toMatchObject({ mode: 'fast', init: 'base' });
    expect(defense.describe().stepSize).toBeCloseTo(1.25 * 0.15, 10);

    const undefended = await noneDefense.create(context, baseOptions);
    await undefended.prepare();
    const robust = await robustAccuracy(defense, context, 0.15);
    const plain = await robustAccuracy(undefended, context, 0.15);
    expect(plain).toBeLessThan(0.7);
    expect(robust).toBeGreaterThan(0.95);
    expect(await robustAccuracy(defense, context, 1e-4)).toBeGreaterThan(0.95);
    defense.dispose();
    (await context.base()).model.dispose();
  });

  it('trains from scratch without touching the base when init is scratch', async () => {
    const options = parseAdvTrainingOptions({ mode: 'fast', epsilon: 0.15, init: 'scratch', epochs: 1, batchSize: 16 });
    const context = createPluginContext({ ...harness().context, base: () => Promise.reject(new Error('base must not be used')) });
    const defense = await advTraining.create(context, options);
    const before = tf.memory().numTensors;
    await defense.prepare();
    expect(defense.cost()).toMatchObject({ examples: 64, forwardPasses: 128, cached: false });
    expect(defense.describe()).toMatchObject({ init: 'scratch', baseKey: undefined });
    defense.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with ADVBENCH_ERR_ABORTED when the run is aborted, leaving no tensors and no cache entry', async () => {
    const options = parseAdvTrainingOptions({ mode: 'pgd', steps: 2, epsilon: 0.1, init: 'scratch', epochs: 3, batchSize: 8 });
    const controller = new AbortController();
    // A context whose real trainer watches this signal (the harness's trainer is bound to its own).
    const { training: _ownTrainer, ...parts } = harness().context;
    const context = createPluginContext({ ...parts, signal: controller.signal, progress: { train: (event) => event.step === 3 && controller.abort() } });
    const defense = await advTraining.create(context, options);
    const before = tf.memory().numTensors;
    await expect(defense.prepare()).rejects.toMatchObject({ code: 'ADVBENCH_ERR_ABORTED' });
    expect(tf.memory().numTensors).toBe(before);
    // Nothing was cached: a new attempt trains (and builds its attack) again.
    const retry = await advTraining.create(harness().context, options);
    await retry.prepare();
    expect(retry.cost().cached).toBe(false);
    retry.dispose();
  });

  it('pgd mode fine-tunes a copy of the base (left untouched), counts steps + 1 passes, and is cached', async () => {
    const options = parseAdvTrainingOptions({ mode: 'pgd', steps: 3, epsilon: 0.15, epochs: 4, batchSize: 8, learningRate: 0.05 });
    const first = harness();
    const base: BaseModel = await first.context.base();
    const baseWeights = base.model.getWeights().map((weight) => weight.dataSync().slice());
    const defense = await advTraining.create(first.context, options);
    await defense.prepare();
    expect(first.attackRequests[0].options).toMatchObject({ steps: 3, stepSizeFactor: 2.5, randomStart: true });
    expect(defense.cost()).toMatchObject({ examples: 256, forwardPasses: 4 * 256, backwardPasses: 4 * 256, cached: false });
    expect(await robustAccuracy(defense, first.context, 0.15)).toBeGreaterThan(0.95);
    base.model.getWeights().forEach((weight, index) => expect(Array.from(weight.dataSync())).toEqual(Array.from(baseWeights[index])));
    expect(defense.describe()).toMatchObject({ init: 'base', baseKey: base.key, attack: expect.objectContaining({ keep: 'last', steps: 3 }) });
    const probabilities = defense.classifier.predict(test.x, createRandom(0));
    tf.tidy(() => Array.from(tf.sum(probabilities, 1).dataSync())).forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    probabilities.dispose();

    // The same options on the same base: loaded from the cache, no attack built, no training step.
    const second = harness();
    const again = await advTraining.create(second.context, options);
    const before = tf.memory().numTensors;
    await again.prepare();
    expect(second.attackRequests).toHaveLength(0);
    expect(second.events.filter((event) => event.phase.startsWith('adversarial'))).toHaveLength(0);
    expect(again.cost()).toEqual({ ...defense.cost(), cached: true });
    const difference = tf.tidy(() =>
      tf.max(tf.abs(tf.sub(defense.classifier.predict(test.x, createRandom(0)), again.classifier.predict(test.x, createRandom(0))))).dataSync()[0],
    );
    expect(difference).toBeLessThan(1e-6);
    again.dispose();
    (await second.context.base()).model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    defense.dispose();
    base.model.dispose();
  });

  it('validates options per mode and expands presets', () => {
    expect(parseAdvTrainingOptions(undefined)).toMatchObject({ mode: 'fast', steps: 1, stepSizeFactor: 1.25, randomStart: true, init: 'base', epsilon: 8 / 255 });
    expect(parseAdvTrainingOptions({ mode: 'pgd' })).toMatchObject({ steps: 7, stepSizeFactor: 2.5 });
    expect(parseAdvTrainingOptions(applyPreset({ preset: 'madry', epochs: 1 }, ADV_TRAINING_PRESETS, 'x'))).toMatchObject({ mode: 'pgd', steps: 7, epochs: 1, schedule: 'constant' });
    expect(parseAdvTrainingOptions(applyPreset({ preset: 'fast' }, ADV_TRAINING_PRESETS, 'x'))).toMatchObject({ mode: 'fast', steps: 1, schedule: 'cyclic' });
    expect(parseAdvTrainingOptions({ schedule: 'cosine' })).toMatchObject({ schedule: 'cosine' });
    expect(() => parseAdvTrainingOptions({ schedule: 'linear' })).toThrow(/schedule must be one of "constant", "cyclic", "cosine"/);
    expect(() => parseAdvTrainingOptions({ mode: 'fast', steps: 3 })).toThrow(/steps must be 1 in mode "fast"/);
    expect(() => parseAdvTrainingOptions({ mode: 'free' })).toThrow(expect.objectContaining({ exitCode: 2, code: 'ADVBENCH_ERR_OPTIONS_VALUE' }));
    expect(() => parseAdvTrainingOptions({ epsilon: 2 })).toThrow(/epsilon must be <= 1/);
    const unprepared = advTraining.create(harness().context, parseAdvTrainingOptions({})) as DefenseInstance;
    expect(() => unprepared.cost()).toThrow(/before prepare/);
    expect(() => unprepared.classifier.predict(test.x, createRandom(0))).toThrow(/before prepare/);
  });
});
