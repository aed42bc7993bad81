import { existsSync, mkdtempSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type { BaseModel, DefenseInstance, PluginContext, Tensor1D, Tensor2D, Tensor4D, TrainProgress } from '@advbench/core/plugin-api';
import { applyPreset } from '@advbench/core/plugin-api';
import { FileModelCache, createRandom, createPluginContext, createTrainer, brightDarkImages, createInMemoryDataset, createTinyModelAccess } from '@advbench/core/testkit';
import innDefense from './index.js';
import { checkpointFolder } from './inn-defense.js';

const SIZE = 4;
const silent = { debug() {}, info() {}, warn() {} };

/** A bright/dark two-class task, a trained tiny base model and a shared file cache. */
interface Fixture {
  data: { x: Tensor4D; y: Tensor1D };
  base: BaseModel;
  cacheDirectory: string;
  context(progress: TrainProgress[], options?: { withBase?: boolean }): PluginContext;
}

async function makeFixture(): Promise<Fixture> {
  const rng = createRandom(21);
  const data = brightDarkImages(tf, { count: 128, size: SIZE, rng: rng.fork('data') });
  const dataset = createInMemoryDataset(tf, { ...data, classes: 2 });
  const models = createTinyModelAccess([SIZE, SIZE, 1]);
  const baseModel = models.create({ classes: 2, rng: rng.fork('base-init') });
  const trainer = createTrainer({ tf, dataset, progress: { train() {} }, signal: new AbortController().signal, logger: silent });
  const baseResult = await trainer.train({ model: baseModel, epochs: 4, batchSize: 16, learningRate: 0.1, rng: rng.fork('base-train'), phase: 'base' });
  const base: BaseModel = { model: baseModel, key: 'tiny-base-21', cost: baseResult.cost };
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'advbench-inn-test-'));
  const cache = new FileModelCache(cacheDirectory, { datasetHash: dataset.info.contentHash, architecture: models.architecture, seed: 21, codeVersion: 'test' });
  return {
    data,
    base,
    cacheDirectory,
    context: (progress, options = {}) =>
      createPluginContext({
        tf,
        dataset,
        models,
        cache,
        rng: createRandom(5),
        progress: { train: (event) => progress.push(event) },
        entryName: 'inn',
        base: options.withBase === false ? undefined : async () => base,
      }),
  };
}

function accuracy(probabilities: Tensor2D, labels: Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(probabilities, 1), labels), 'float32')).dataSync()[0]);
}

function rowSums(probabilities: Tensor2D): number[] {
  return tf.tidy(() => Array.from(tf.sum(probabilities, 1).dataSync()));
}

async function prepared(context: PluginContext, raw: Record<string, unknown>): Promise<DefenseInstance> {
  const defense = await innDefense.create(context, innDefense.parseOptions(applyPreset(raw, innDefense.presets, 'inn options')));
  await defense.prepare();
  return defense;
}

describe('INN defense end to end (tiny model, bright/dark task)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    fixture = await makeFixture();
  });
  afterAll(() => {
    fixture.base.model.dispose();
    tf.dispose([fixture.data.x, fixture.data.y]);
  });

  const trainingRaw = { preset: 'a0.1-b0.1-g0.1-k8', backgrounds: 2, epochs: 3, batchSize: 16, learningRate: 0.1 };

  it('trains one checkpoint per epoch from the base, reports progress, predicts probabilities over C, hits the cache next time', async () => {
    const before = tf.memory().numTensors;
    const progress: TrainProgress[] = [];
    const defense = await prepared(fixture.context(progress), trainingRaw);

    // Progress while training: epoch, step, loss, examples per second.
    expect(progress.length).toBe(3 * Math.ceil(128 / 16));
    expect(progress.every((event) => event.phase === 'inn' && event.epochs === 3 && Number.isFinite(event.loss) && event.examplesPerSecond > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ epoch: 3, step: 8, steps: 8 });

    // Checkpoints on disk, cost recorded.
    const description = defense.describe();
    expect(description).toMatchObject({ classes: 2, backgrounds: 2, slots: 4, checkpointEpochs: [1, 2, 3], attackCheckpoint: 3, base: 'tiny-base-21', cached: false });
    for (const epoch of [1, 2, 3]) expect(existsSync(join(description.cacheDirectory as string, checkpointFolder(epoch), 'model.json'))).toBe(true);
    expect(defense.cost()).toMatchObject({ examples: 3 * 128, forwardPasses: 3 * 128, backwardPasses: 3 * 128, cached: false });
    expect(defense.cost().seconds).toBeGreaterThan(0);

    // The decision rule: randomized, rows sum to 1 over C, and it learned the task.
    const { x, y } = fixture.data;
    expect(defense.classifier.randomized).toBe(true);
    const probabilities = defense.classifier.predict(x, createRandom(1));
    expect(probabilities.shape).toEqual([128, 2]);
    for (const sum of rowSums(probabilities)) expect(sum).toBeCloseTo(1, 5);
    expect(accuracy(probabilities, y)).toBeGreaterThan(0.8);
    const again = defense.classifier.predict(x, createRandom(1));
    expect(Array.from(again.dataSync())).toEqual(Array.from(probabilities.dataSync()));
    const otherDraw = defense.classifier.predict(x, createRandom(2));
    expect(Array.from(otherDraw.dataSync())).not.toEqual(Array.from(probabilities.dataSync()));
    tf.dispose([probabilities, again, otherDraw]);

    // Report images: the K backgrounds.
    const images = defense.images!();
    expect(images.map((image) => image.label)).toEqual(['background 1 of 2: horizontal stripes', 'background 2 of 2: vertical stripes']);
    expect(images[0].shape).toEqual([SIZE, SIZE, 1]);

    // A second defense with the same training options (a different vote) loads from the cache: no training.
    const secondProgress: TrainProgress[] = [];
    const second = await prepared(fixture.context(secondProgress), { ...trainingRaw, vote: 'hard', draws: 3 });
    expect(secondProgress).toHaveLength(0);
    expect(second.cost()).toMatchObject({ ...defense.cost(), cached: true });
    expect(second.describe().cacheDirectory).toBe(description.cacheDirectory);
    const hard = second.classifier.predict(x, createRandom(1));
    // Hard vote over 3 checkpoints x 3 draws: every probability is a multiple of 1/9.
    for (const value of hard.dataSync()) expect(Math.abs(value * 9 - Math.round(value * 9))).toBeLessThan(1e-5);
    for (const sum of rowSums(hard)) expect(sum).toBeCloseTo(1, 5);
    expect(accuracy(hard, y)).toBeGreaterThan(0.8);
    hard.dispose();

    defense.dispose();
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('offers inn1, inn2 and full surfaces: log-probabilities over C with finite gradients, no tensor growth', async () => {
    const defense = await prepared(fixture.context([]), trainingRaw);
    const x = tf.slice(fixture.data.x, [0, 0, 0, 0], [8, -1, -1, -1]) as Tensor4D;
    expect(defense.defaultSurfaces()).toEqual(['inn1', 'inn2']);
    const surfaces = defense.surfaces();
    expect(surfaces.map((surface) => surface.name)).toEqual(['inn1', 'inn2', 'full']);
    expect(surfaces.map((surface) => surface.randomized)).toEqual([true, false, true]);
    const before = tf.memory().numTensors;
    for (const surface of surfaces) {
      expect(surface.output).toBe('log-probabilities');
      const rng = createRandom(9);
      const output = surface.forward(x, rng);
      expect(output.shape).toEqual([8, 2]);
      const total = tf.tidy(() => tf.sum(tf.exp(output), 1));
      for (const sum of total.dataSync()) expect(sum).toBeCloseTo(1, 4);
      const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(surface.forward(input as Tensor4D, createRandom(9)), [0, 0], [-1, 1])))(x);
      const magnitude = tf.tidy(() => tf.sum(tf.abs(gradient)).dataSync()[0]);
      expect(Number.isFinite(magnitude), surface.name).toBe(true);
      expect(magnitude, surface.name).toBeGreaterThan(0);
      tf.dispose([output, total, gradient]);
    }
    // inn2 is the plain image: deterministic; inn1 draws backgrounds and noise: depends on the rng.
    const [inn1, inn2] = surfaces;
    const plainA = inn2.forward(x, createRandom(1));
    const plainB = inn2.forward(x, createRandom(2));
    expect(Array.from(plainA.dataSync())).toEqual(Array.from(plainB.dataSync()));
    const noisyA = inn1.forward(x, createRandom(1));
    const noisyB = inn1.forward(x, createRandom(2));
    expect(Array.from(noisyA.dataSync())).not.toEqual(Array.from(noisyB.dataSync()));
    tf.dispose([plainA, plainB, noisyA, noisyB]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    defense.dispose();
  });

  it('trains from scratch without a base model, with the authors-code rule', async () => {
    const progress: TrainProgress[] = [];
    const defense = await prepared(fixture.context(progress, { withBase: false }), { preset: 'authors-code', backgrounds: 3, epochs: 1, batchSize: 32, learningRate: 0.05, init: 'scratch' });
    expect(progress.length).toBe(4);
    expect(defense.describe()).toMatchObject({ base: 'scratch', slots: 6, attackCheckpoint: 1 });
    const probabilities = defense.classifier.predict(fixture.data.x, createRandom(3));
    for (const value of probabilities.dataSync()) expect(Math.abs(value * 5 - Math.round(value * 5))).toBeLessThan(1e-5);
    probabilities.dispose();
    defense.dispose();
  });

  it('uses a background folder, keyed by image content: same images hit the cache, changed ones retrain', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'advbench-inn-folder-'));
    const write = (name: string, grey: number) =>
      sharp({ create: { width: 9, height: 7, channels: 3, background: { r: grey, g: grey, b: grey } } }).png().toFile(join(folder, name));
    await write('one.png', 0);
    await write('two.png', 255);
    const raw = { backgroundFolder: folder, backgrounds: 2, epochs: 1, batchSize: 64, learningRate: 0.05 };
    const progress: TrainProgress[] = [];
    const first = await prepared(fixture.context(progress), raw);
    expect(progress.length).toBe(2);
    expect(first.describe().backgroundNames).toEqual(['one.png', 'two.png']);
    expect(first.images!().map((image) => [image.label, Array.from(image.data.slice(0, 2))])).toEqual([
      ['background 1 of 2: one.png', [0, 0]],
      ['background 2 of 2: two.png', [1, 1]],
    ]);
    const same = await prepared(fixture.context([]), raw);
    expect(same.cost().cached).toBe(true);
    await write('two.png', 128);
    const changed = await prepared(fixture.context([]), raw);
    expect(changed.cost().cached).toBe(false);
    expect(changed.describe().cacheDirectory).not.toBe(first.describe().cacheDirectory);
    [first, same, changed].forEach((defense) => defense.dispose());
  });

  it('refuses to be used before prepare', async () => {
    const defense = await innDefense.create(fixture.context([]), innDefense.parseOptions({}));
    expect(() => defense.classifier).toThrow(/only available after prepare/);
    expect(() => defense.surfaces()).toThrow(/only available after prepare/);
    expect(defense.images!()).toHaveLength(8);
    defense.dispose();
  });
});
