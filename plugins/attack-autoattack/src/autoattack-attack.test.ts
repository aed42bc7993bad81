import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import type { AttackInstance, AttackReport, AttackSurface, Classifier, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { createRandom } from '@advbench/core/testkit';
import autoAttack, { createAutoAttack, membersOf, parseAutoAttackOptions } from './index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** A member that brightens every example by `shift` (clipped to the ball by the ensemble) and records what it saw. */
function shifting(shift: number, seen: number[][]): AttackInstance {
  return {
    describe: () => ({ shift }),
    run: async ({ x }) => {
      seen.push([x.shape[0]]);
      return tf.tidy(() => tf.add(x, shift)) as Tensor4D;
    },
  };
}

/** A member that judges its input twice through the harness, reports those calls as its cost, and returns it. */
function judging(): AttackInstance {
  return {
    describe: () => ({}),
    run: async ({ x, judge, report }) => {
      await judge!(x);
      await judge!(x);
      report?.({ cost: { forwardPasses: 1, backwardPasses: 0, queries: 0, judgeCalls: 2, seconds: 0 } });
      return x.clone();
    },
  };
}

/** Correct while the mean pixel is below `threshold` (per example). */
function thresholdClassifier(threshold: number, randomized = false): Classifier {
  return {
    randomized,
    predict: (x) => tf.tidy(() => {
      const logit = tf.mul(tf.sub(tf.mean(x, [1, 2, 3]), threshold), 50);
      return tf.softmax(tf.stack([tf.zerosLike(logit), logit], 1)) as Tensor2D;
    }),
  };
}

const surface: AttackSurface = { name: 'full', description: 'unused by shifting members', output: 'logits', randomized: false, forward: (x) => tf.zeros([x.shape[0], 2]) as Tensor2D };

describe('autoattack ensemble', () => {
  it('runs later members on survivors only and keeps the first success per example', async () => {
    const created: string[] = [];
    const seen: number[][] = [];
    const shifts: Record<string, number> = { weak: 0.05, strong: 0.3 };
    const context = { tf, attacks: { create: async (reference: string) => (created.push(reference), shifting(shifts[reference], seen)) } } as never;
    const options = parseAutoAttackOptions({ members: [{ name: 'weak', use: 'weak' }, { name: 'strong', use: 'strong' }] });
    const ensemble = createAutoAttack(context, options);
    // Means 0.3, 0.45, 0.6 (already wrong); threshold 0.49: weak breaks 0.45 only, strong breaks 0.3.
    const x = tf.concat([tf.fill([1, 2, 2, 1], 0.3), tf.fill([1, 2, 2, 1], 0.45), tf.fill([1, 2, 2, 1], 0.6)]) as Tensor4D;
    const y = tf.tensor1d([0, 0, 0], 'int32');
    const reports: AttackReport[] = [];
    const before = tf.memory().numTensors;
    const adversarial = await ensemble.run({ surface, classifier: thresholdClassifier(0.49), x, y, epsilon: 0.25, rng: createRandom(1), report: (report) => reports.push(report) });
    expect(seen).toEqual([[2], [1]]);
    expect(created).toEqual(['weak', 'strong']);
    const means = tf.tidy(() => Array.from(tf.mean(adversarial, [1, 2, 3]).dataSync()));
    // Example 1 keeps weak's success (0.5), not strong's; example 0 gets strong's, clipped to the ball (0.55).
    expect(means.map((mean) => Number(mean.toFixed(4)))).toEqual([0.55, 0.5, 0.6]);
    const [weak, strong] = reports[0].members!;
    expect(Array.from(weak.correct)).toEqual([1, 0, Number.NaN]);
    expect(Array.from(strong.correct)).toEqual([0, Number.NaN, Number.NaN]);
    expect(reports[0].cost.judgeCalls).toBe(3);
    adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it("counts a member's judge calls once: they go through the ensemble's own judge", async () => {
    let harnessCalls = 0;
    const classifier = thresholdClassifier(0.49);
    const context = { tf, attacks: { create: async () => judging() } } as never;
    const ensemble = createAutoAttack(context, parseAutoAttackOptions({ members: [{ name: 'first', use: 'first' }, { name: 'second', use: 'second' }] }));
    const x = tf.fill([2, 2, 2, 1], 0.3) as Tensor4D;
    const y = tf.tensor1d([0, 0], 'int32');
    const reports: AttackReport[] = [];
    const judge = async (candidates: Tensor4D): Promise<Float32Array> => {
      harnessCalls += 1;
      return tf.tidy(() => tf.cast(tf.equal(tf.argMax(classifier.predict(candidates, createRandom(0)), 1), y), 'float32')).data() as Promise<Float32Array>;
    };
    const adversarial = await ensemble.run({ surface, classifier, x, y, epsilon: 0.1, rng: createRandom(1), judge, report: (report) => reports.push(report) });
    // The ensemble's clean judgement, each member's two calls and its judgement after each member: 1 + 2 x (2 + 1).
    expect(harnessCalls).toBe(7);
    expect(reports[0].cost.judgeCalls).toBe(harnessCalls);
    expect(reports[0].members!.map((member) => member.cost.judgeCalls)).toEqual([2, 2]);
    tf.dispose([adversarial, x, y]);
  });

  it('picks the rand version (APGD-CE and APGD-DLR with EOT) for randomized defenses, standard otherwise', async () => {
    const options = parseAutoAttackOptions({});
    expect(membersOf(options, 'standard').map((member) => member.name)).toEqual(['apgd-ce', 'apgd-t', 'square']);
    expect(membersOf(options, 'rand')).toEqual([
      { name: 'apgd-ce', use: 'apgd', options: { loss: 'ce', iterations: 100, eotSamples: 20 } },
      { name: 'apgd-dlr', use: 'apgd', options: { loss: 'dlr', iterations: 100, eotSamples: 20 } },
    ]);
    const created: unknown[] = [];
    const seen: number[][] = [];
    const context = { tf, attacks: { create: async (reference: string, raw: unknown) => (created.push([reference, raw]), shifting(0, seen)) } } as never;
    const ensemble = createAutoAttack(context, parseAutoAttackOptions({ iterations: 3, eotSamples: 2 }));
    const x = tf.fill([1, 2, 2, 1], 0.3) as Tensor4D;
    const y = tf.tensor1d([0], 'int32');
    const randomizedSurface = { ...surface, randomized: true };
    (await ensemble.run({ surface: randomizedSurface, classifier: thresholdClassifier(0.5, true), x, y, epsilon: 0.1, rng: createRandom(1) })).dispose();
    expect(created).toEqual([['apgd', { loss: 'ce', iterations: 3, eotSamples: 2 }], ['apgd', { loss: 'dlr', iterations: 3, eotSamples: 2 }]]);
    expect(() => parseAutoAttackOptions({ members: [{ use: 'autoattack' }] })).toThrow(/cannot be autoattack itself/);
    expect(() => parseAutoAttackOptions({ version: 'plus' })).toThrow(/autoattack options\.version must be one of/);
    expect(autoAttack).toMatchObject({ kind: 'attack', id: 'autoattack' });
    tf.dispose([x, y]);
  });
});
