import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor2D } from '@advbench/core/plugin-api';
import { combineVotes, slotLogProbabilities, slotProbabilities } from './decision-rule.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Plain-JS softmax of one row. */
function softmax(row: number[]): number[] {
  const top = Math.max(...row);
  const exps = row.map((value) => Math.exp(value - top));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

// C = 3 classes, K = 2 backgrounds: slot k*3 + c.
const CLASSES = 3;
const ROWS = [
  [0.1, 2.0, -1.0, 0.5, 1.5, 0.0],
  [3.0, -2.0, 2.0, -1.0, 0.2, 2.9],
];

describe('slot to class mapping', () => {
  it('sum: sums the softmax over the K slots k*C + c of each class', () => {
    const logits = tf.tensor2d(ROWS);
    const probabilities = slotProbabilities(tf, logits, CLASSES, 'sum');
    const values = probabilities.arraySync();
    ROWS.forEach((row, index) => {
      const slots = softmax(row);
      const expected = [0, 1, 2].map((c) => slots[c] + slots[CLASSES + c]);
      values[index].forEach((value, c) => expect(value).toBeCloseTo(expected[c], 5));
      expect(values[index].reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
    });
    tf.dispose([logits, probabilities]);
  });

  it('argmax-mod: one-hot of argmax(slot) mod C, which can differ from the sum rule', () => {
    const logits = tf.tensor2d(ROWS);
    const argmax = slotProbabilities(tf, logits, CLASSES, 'argmax-mod').arraySync();
    // Row 0: argmax slot 1 -> class 1. Row 1: argmax slot 0 -> class 0 ...
    expect(argmax[0]).toEqual([0, 1, 0]);
    expect(argmax[1]).toEqual([1, 0, 0]);
    // ... while summing favours class 2 in row 1 (slots 2 and 5: e^2 + e^2.9 = 25.6 beats e^3 + e^-1 = 20.5).
    const summed = slotProbabilities(tf, logits, CLASSES, 'sum').arraySync();
    expect(summed[1].indexOf(Math.max(...summed[1]))).toBe(2);
    logits.dispose();
  });

  it('log-probabilities equal the log of the summed rule and are differentiable', () => {
    const logits = tf.tensor2d(ROWS);
    const logProbabilities = slotLogProbabilities(tf, logits, CLASSES);
    const summed = slotProbabilities(tf, logits, CLASSES, 'sum');
    const difference = tf.max(tf.abs(tf.sub(tf.exp(logProbabilities), summed))).dataSync()[0];
    expect(difference).toBeLessThan(1e-5);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(slotLogProbabilities(tf, input as Tensor2D, CLASSES), [0, 0], [-1, 1])))(logits);
    // d log p_0 / d logits sums to zero over the row (softmax invariance) and is positive on class 0's slots.
    const rows = gradient.arraySync() as number[][];
    rows.forEach((row) => {
      expect(Math.abs(row.reduce((sum, value) => sum + value, 0))).toBeLessThan(1e-5);
      expect(row[0]).toBeGreaterThan(0);
      expect(row[CLASSES]).toBeGreaterThan(0);
    });
    tf.dispose([logits, logProbabilities, summed, gradient]);
  });

  it('refuses a head that is not a multiple of C', () => {
    const logits = tf.zeros([1, 7]) as Tensor2D;
    expect(() => slotProbabilities(tf, logits, 3, 'sum')).toThrow(/not a multiple of the 3 classes/);
    logits.dispose();
  });
});

describe('voting', () => {
  const members = () => [
    tf.tensor2d([[0.6, 0.4]]),
    tf.tensor2d([[0.55, 0.45]]),
    tf.tensor2d([[0.0, 1.0]]),
  ] as Tensor2D[];

  it('soft: the mean of the members', () => {
    const predictions = members();
    const soft = combineVotes(tf, predictions, 'soft');
    const values = soft.arraySync()[0];
    expect(values[0]).toBeCloseTo(1.15 / 3, 5);
    expect(values[1]).toBeCloseTo(1.85 / 3, 5);
    tf.dispose([...predictions, soft]);
  });

  it('hard: the fraction of members voting for each class (majority wins where soft would not)', () => {
    const predictions = members();
    const hard = combineVotes(tf, predictions, 'hard');
    const values = hard.arraySync()[0];
    expect(values[0]).toBeCloseTo(2 / 3, 5);
    expect(values[1]).toBeCloseTo(1 / 3, 5);
    tf.dispose([...predictions, hard]);
  });

  it('leaves no tensors behind and keeps its inputs', () => {
    const predictions = members();
    const before = tf.memory().numTensors;
    combineVotes(tf, predictions, 'hard').dispose();
    combineVotes(tf, predictions, 'soft').dispose();
    slotProbabilities(tf, predictions[0], 2, 'argmax-mod').dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(predictions[0].isDisposed).toBe(false);
    tf.dispose(predictions);
  });
});
