import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../compute/select-backend.js';
import { createRandom } from '../random/seeded-random.js';
import { createModelAccess } from './model-access.js';
import { expectInputError } from './testing/expect-input-error.js';
import { predictFixed, weightBytes } from './testing/tiny-models.js';

describe('createModelAccess', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('creates, re-heads, clones, saves and loads models of the run architecture, seeded by the rng passed', async () => {
    const models = createModelAccess({ architecture: 'bench-resnet', inputShape: [16, 16, 1] });
    expect(models.architecture).toBe('bench-resnet');
    const before = tf.memory().numTensors;
    const first = models.create({ classes: 4, rng: createRandom(1) });
    const same = models.create({ classes: 4, rng: createRandom(1) });
    const other = models.create({ classes: 4, rng: createRandom(2) });
    expect(Array.from(predictFixed(same))).toEqual(Array.from(predictFixed(first)));
    expect(Array.from(predictFixed(other))).not.toEqual(Array.from(predictFixed(first)));
    const wide = models.withHead(first, { classes: 12, rng: createRandom(3) });
    expect(wide.outputs[0].shape).toEqual([null, 12]);
    const copy = models.clone(first);
    const directory = await mkdtemp(join(tmpdir(), 'advbench-access-'));
    try {
      await models.save(copy, join(directory, 'checkpoint'));
      const loaded = await models.load(join(directory, 'checkpoint'));
      const expected = weightBytes(first);
      for (const [name, bytes] of weightBytes(loaded)) expect(Buffer.from(bytes).equals(Buffer.from(expected.get(name)!)), name).toBe(true);
      loaded.dispose();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    for (const model of [first, same, other, wide, copy]) model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('load refuses a checkpoint of another input shape or another architecture', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'advbench-access-'));
    try {
      const small = createModelAccess({ architecture: 'bench-resnet', inputShape: [16, 16, 1] });
      const model = small.create({ classes: 4, rng: createRandom(1) });
      await small.save(model, join(directory, 'bench'));
      model.dispose();
      const before = tf.memory().numTensors;
      await expectInputError(createModelAccess({ architecture: 'bench-resnet', inputShape: [28, 28, 1] }).load(join(directory, 'bench')), 'takes 16x16x1 inputs', '28x28x1');
      await expectInputError(createModelAccess({ architecture: 'resnet20', inputShape: [16, 16, 1] }).load(join(directory, 'bench')), 'holds a bench-resnet', 'resnet20');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses an unknown architecture or an input shape it cannot take', async () => {
    await expectInputError(() => createModelAccess({ architecture: 'vgg16', inputShape: [32, 32, 3] }), 'unknown model "vgg16"');
    await expectInputError(() => createModelAccess({ architecture: 'resnet152', inputShape: [28, 28, 1] }), 'resnet152');
  });
});
