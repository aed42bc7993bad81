import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainProgress } from '@advbench/core/plugin-api';
import { createTestKit, type TestKit } from '@advbench/core/testkit';
import iaat, { parseIaatOptions, type RadiusSummary } from './index.js';

let kit: TestKit;

beforeAll(async () => {
  kit = await createTestKit({ trainSamples: 128, testSamples: 16, baseEpochs: 2 });
});

afterAll(() => kit?.dispose());

describe('defense iaat', () => {
  it('adapts a radius per training example after warm-up, counts every attack pass, and is cached', async () => {
    const options = parseIaatOptions({ epochs: 2, warmupEpochs: 1, steps: 2, batchSize: 32, gamma: 2 / 255 });
    const events: TrainProgress[] = [];
    const defense = await iaat.create(kit.context({ entryName: 'iaat', progress: { train: (event) => events.push(event) } }), options);
    await defense.prepare();
    const cost = defense.cost();
    // Epoch 1 (warm-up): clean prediction + training attack (steps) forward passes per example, + the SGD step.
    // Epoch 2: + two search attacks of steps + 1 forward and steps backward passes each.
    const perExampleForward = 1 + (1 + 2) + 1 + (1 + 2 * 3 + 2);
    const perExampleBackward = 1 + 2 + 1 + (2 * 2 + 2);
    expect(cost).toMatchObject({ examples: 256, forwardPasses: 128 * perExampleForward, backwardPasses: 128 * perExampleBackward, cached: false });
    const radii = defense.describe().radii as RadiusSummary;
    expect(radii.examples).toBe(128);
    // After one adaptive epoch (beta 0.1) every radius lies between 0 and 0.9 * eps + 0.1 * (eps + gamma).
    expect(radii.max).toBeLessThanOrEqual(0.9 * (8 / 255) + 0.1 * (10 / 255) + 1e-6);
    expect(radii.mean).toBeGreaterThan(0);
    expect(radii.median).not.toBe(8 / 255);
    expect(events.some((event) => event.phase === 'instance-adaptive adversarial')).toBe(true);

    const batch = await kit.testBatch(8);
    const probabilities = defense.classifier.predict(batch.x, kit.context().rng);
    const sums = Array.from(await kit.tf.sum(probabilities, 1).data());
    sums.forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    expect(defense.surfaces()).toMatchObject([{ name: 'full', exact: true, randomized: false, output: 'logits' }]);
    kit.tf.dispose([probabilities, batch.x, batch.y]);

    const again = await iaat.create(kit.context({ entryName: 'iaat' }), options);
    const before = kit.tf.memory().numTensors;
    await again.prepare();
    expect(again.cost()).toEqual({ ...cost, cached: true });
    expect(again.describe().radii).toEqual(radii);
    again.dispose();
    defense.dispose();
    expect(kit.tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('refuses unknown and out-of-range options naming the key', () => {
    expect(() => parseIaatOptions({ gama: 1 })).toThrow(/gama/);
    expect(() => parseIaatOptions({ beta: 2 })).toThrow(/beta must be <= 1/);
  });
});
