import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackInput, AttackInstance, AttackSurface, Classifier, DefenseInstance, Tensor1D, Tensor4D } from '@advbench/core/plugin-api';
import roundPixels from './fixtures/defense-round-pixels/index.js';
import saturatedSoftmax from './fixtures/defense-saturated-softmax/index.js';
import { accuracyOf, correctness, createRandom, judgeWith, prepareDefense, tf, trainFashionMnistSlice, undefended, type TrainedSlice } from './support/trained-fashion-mnist.js';

// Acceptance of the attack suite on planted gradient-masking defenses (test/fixtures), against the undefended model.
const EPSILON = 32 / 255;
let slice: TrainedSlice;
let x: Tensor4D;
let y: Tensor1D;
const defenses: Record<string, { classifier: Classifier; surface: AttackSurface; instance?: DefenseInstance }> = {};

beforeAll(async () => {
  slice = await trainFashionMnistSlice({ trainSamples: 2000, testSamples: 200, epochs: 3, seed: 1 });
  x = tf.slice(slice.test.x, [0, 0, 0, 0], [60, -1, -1, -1]) as Tensor4D;
  y = tf.slice(slice.test.y, [0], [60]) as Tensor1D;
  defenses.undefended = undefended(slice.model);
  for (const [name, plugin] of [['saturated', saturatedSoftmax], ['rounding', roundPixels]] as const) {
    const instance = await prepareDefense(plugin, slice.context(name));
    defenses[name] = { classifier: instance.classifier, surface: instance.surfaces()[0], instance };
  }
});

afterAll(() => {
  for (const entry of Object.values(defenses)) entry.instance?.dispose();
  tf.dispose([x, y]);
  slice.dispose();
});

/** Accuracy of `defense` under the built-in attack `reference` (created through the context's attack factory). */
async function attacked(defense: string, reference: string, options: Record<string, unknown>): Promise<ReturnType<typeof accuracyOf>> {
  const { classifier, surface } = defenses[defense];
  const attack: AttackInstance = await slice.context(`attack ${reference}`).attacks.create(reference, options);
  const input: AttackInput = { surface, classifier, judge: judgeWith(classifier, y), x, y, epsilon: EPSILON, rng: createRandom(4) };
  const adversarial = await attack.run(input);
  const accuracy = accuracyOf(correctness(classifier, adversarial, y));
  adversarial.dispose();
  attack.dispose?.();
  console.info(`${defense} ${reference} ${JSON.stringify(options)} at 32/255, n=${x.shape[0]}: ${accuracy.accuracy} [${accuracy.low.toFixed(3)}, ${accuracy.high.toFixed(3)}]`);
  return accuracy;
}

describe('a defense whose logits are multiplied by 1e4 (saturated softmax)', () => {
  it('survives PGD-CE far above the undefended model; APGD-DLR and Square bring it within the Wilson interval', async () => {
    const clean = accuracyOf(correctness(defenses.saturated.classifier, x, y));
    expect(clean.accuracy).toBeGreaterThan(0.6);
    const pgdUndefended = await attacked('undefended', 'pgd', { steps: 20 });
    const pgdSaturated = await attacked('saturated', 'pgd', { steps: 20 });
    expect(pgdSaturated.accuracy).toBeGreaterThan(pgdUndefended.high + 0.2);
    const dlrUndefended = await attacked('undefended', 'apgd', { loss: 'dlr', iterations: 25 });
    const dlrSaturated = await attacked('saturated', 'apgd', { loss: 'dlr', iterations: 25 });
    expect(dlrSaturated.accuracy).toBeLessThanOrEqual(dlrUndefended.high);
    const squareUndefended = await attacked('undefended', 'square', { queries: 500 });
    const squareSaturated = await attacked('saturated', 'square', { queries: 500 });
    expect(squareSaturated.accuracy).toBeLessThanOrEqual(squareUndefended.high);
  });
});

describe('a defense that rounds pixels to 4 levels (zero gradient)', () => {
  it('falls to Square and transfer (within 15 points of the undefended model), not to white-box attacks', async () => {
    const whiteBoxUndefended = await attacked('undefended', 'apgd', { loss: 'ce', iterations: 25 });
    const whiteBoxRounding = await attacked('rounding', 'apgd', { loss: 'ce', iterations: 25 });
    expect(whiteBoxRounding.accuracy).toBeGreaterThan(whiteBoxUndefended.accuracy + 0.15);
    const pgdRounding = await attacked('rounding', 'pgd', { steps: 20 });
    expect(pgdRounding.accuracy).toBeGreaterThan(whiteBoxUndefended.accuracy + 0.15);
    const squareUndefended = await attacked('undefended', 'square', { queries: 500 });
    const squareRounding = await attacked('rounding', 'square', { queries: 500 });
    expect(squareRounding.accuracy).toBeLessThanOrEqual(squareUndefended.accuracy + 0.15);
    const transferRounding = await attacked('rounding', 'transfer', { attack: 'apgd', attackOptions: { loss: 'ce', iterations: 25 } });
    expect(transferRounding.accuracy).toBeLessThanOrEqual(whiteBoxUndefended.accuracy + 0.15);
  });
});
