import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestKit } from './index.js';

describe('createTestKit', () => {
  it('gives a real context over a Fashion-MNIST slice: trainer, cache, base model, attacks, options reader; dispose frees it all', async () => {
    const kit = await createTestKit({ trainSamples: 64, testSamples: 12, baseEpochs: 1, seed: 4 });
    const { tf } = kit;
    const before = tf.memory().numTensors;
    expect(kit.dataset.info).toMatchObject({ name: 'fashion-mnist', inputShape: [28, 28, 1], classes: 10, trainCount: 64, testCount: 12, checksumsVerified: true });
    expect(kit.models.architecture).toBe('tiny-mlp');

    const events: unknown[] = [];
    const context = kit.context({ entryName: 'mine', progress: { train: (event) => events.push(event) } });
    const base = await context.base();
    expect(base.key).toMatch(/^none:[0-9a-f]{64}$/);
    expect(base.cost).toMatchObject({ examples: 64, cached: false });
    expect(await kit.context().base()).toBe(base);
    expect(existsSync(kit.cacheDirectory)).toBe(true);

    // The real trainer through the context, reporting to the given progress sink.
    const model = context.models.create({ classes: 10, rng: context.rng.fork('init') });
    const trained = await context.training.train({ model, epochs: 1, batchSize: 32, learningRate: 0.05, rng: context.rng.fork('train'), phase: 'test' });
    expect(trained.cost.examples).toBe(64);
    expect(events).toHaveLength(2);
    model.dispose();

    // Attacks through the real registry, and OptionsReader for plain-JS plugins.
    const pgd = await context.attacks.create('pgd', { steps: 2 });
    expect(pgd.describe()).toMatchObject({ steps: 2 });
    const read = context.readOptions({ bits: 3, extra: 1 }, 'mine options');
    expect(read.number('bits', { min: 1 })).toBe(3);
    expect(() => read.done()).toThrow('mine options.extra is not a known option (known: bits)');

    // Seeded: the same entry name gives the same stream; the test batch is the first examples.
    expect(kit.context({ entryName: 'mine' }).rng.next()).toBe(kit.context({ entryName: 'mine' }).rng.next());
    const batch = await kit.testBatch(5);
    expect(batch.x.shape).toEqual([5, 28, 28, 1]);
    expect(batch.y.dtype).toBe('int32');
    tf.dispose([batch.x, batch.y]);

    await kit.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    expect(existsSync(kit.cacheDirectory)).toBe(false);
  });
});
