import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BaseModel, ModelAccess } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { createInMemoryDataset } from '../training/testing/in-memory-dataset.js';
import { createTinyModel } from '../training/testing/tiny-model.js';
import { createPluginContext } from './plugin-context.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const models = { architecture: 'tiny' } as ModelAccess;

describe('createPluginContext', () => {
  it('memoises the base model, gives a working trainer and a private cache by default', async () => {
    const x = tf.randomUniform([8, 4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
    const dataset = createInMemoryDataset(tf, { x, y, classes: 2 });
    let calls = 0;
    const model = createTinyModel({ inputShape: [4, 4, 1], classes: 2, rng: createRandom(1) });
    const base = async (): Promise<BaseModel> => {
      calls += 1;
      return { model, key: 'k', cost: { seconds: 0, examples: 0, forwardPasses: 0, backwardPasses: 0, cached: false } };
    };
    const context = createPluginContext({ tf, dataset, models, base, entryName: 'probe' });
    const [first, second] = await Promise.all([context.base(), context.base()]);
    expect(first).toBe(second);
    expect(calls).toBe(1);
    const trained = await context.training.train({ model, epochs: 1, batchSize: 4, learningRate: 0.1, rng: context.rng, phase: 'probe' });
    expect(trained.cost.examples).toBe(8);
    const entry = await context.cache.getOrCreate({ probe: 1 }, async () => ({ ok: true }));
    expect(entry.hit).toBe(false);
    expect(context.signal.aborted).toBe(false);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('refuses the base model and attacks it was not given, naming the entry', async () => {
    const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32');
    const context = createPluginContext({ tf, dataset: createInMemoryDataset(tf, { x, y, classes: 2 }), models, entryName: 'probe' });
    await expect(context.base()).rejects.toMatchObject({ code: 'ADVBENCH_ERR_NO_BASE_MODEL', message: expect.stringContaining('probe') });
    await expect(context.attacks.create('pgd')).rejects.toMatchObject({ code: 'ADVBENCH_ERR_NO_ATTACK_FACTORY' });
    tf.dispose([x, y]);
  });
});
