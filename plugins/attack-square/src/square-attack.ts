import { AdvbenchError, inputError } from '@advbench/core/plugin-api';
import type { AttackCost, AttackInput, AttackInstance, Classifier, RandomSource, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import type { SquareOptions } from './square-options.js';
import { squareFraction, squareSide } from './square-schedule.js';

/** Code of the error thrown when the attack stops because its signal was aborted. */
export const ATTACK_ABORTED = 'ADVBENCH_ERR_ABORTED';

/** Smallest probability taken into a log, so a saturated 0 gives a finite (and equal) margin. */
const PROBABILITY_FLOOR = 1e-45;

/**
 * Square Attack, Linf (Andriushchenko, Croce, Flammarion & Hein 2020, arXiv 1912.00049), score-based black-box.
 *
 * Uses only the defense's decision rule `input.classifier.predict` (never a surface, never a gradient). Start: a
 * vertical-stripe perturbation (each column and channel +-eps). Each iteration proposes, per example not yet
 * misclassified, a square window of side `squareSide(p)` at a random place with a fresh +-eps per channel, and
 * keeps it when the margin `log p_y - max_{i != y} log p_i` decreases. `p` follows the paper's schedule rescaled to
 * the query budget. A randomized classifier is queried with a fresh draw at every query.
 */
export function createSquareAttack(tf: TensorFlow, options: SquareOptions): AttackInstance {
  return {
    describe: () => ({ ...options, loss: 'margin' }),
    async run(input: AttackInput): Promise<Tensor4D> {
      const started = Date.now();
      const counter = { queries: 0 };
      try {
        return await runSquare(tf, options, input, counter);
      } finally {
        const cost: AttackCost = { forwardPasses: 0, backwardPasses: 0, queries: counter.queries, judgeCalls: 0, seconds: (Date.now() - started) / 1000 };
        input.report?.({ cost });
      }
    },
  };
}

async function runSquare(tf: TensorFlow, options: SquareOptions, input: AttackInput, counter: { queries: number }): Promise<Tensor4D> {
  const { x, y, epsilon, classifier } = input;
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw inputError('ADVBENCH_ERR_ATTACK_EPSILON', `square: epsilon must be a finite number >= 0, got ${epsilon}`, { details: { epsilon } });
  }
  if (!classifier) {
    throw new AdvbenchError('ADVBENCH_ERR_ATTACK_INPUT', 'square: the harness gave no classifier to query (AttackInput.classifier); this advbench is too old for score-based attacks');
  }
  if (epsilon === 0) return x.clone();
  const [batch, height, width, channels] = x.shape;
  const size = height * width * channels;
  const clean = x.dataSync() as Float32Array;
  const labels = Int32Array.from(y.dataSync());
  const rng = input.rng.fork('square');
  const queryRng = input.rng.fork('queries');
  const best = new Float32Array(clean.length);
  // Vertical stripes: one sign per (column, channel), the same down every row.
  for (let example = 0; example < batch; example += 1) {
    for (let column = 0; column < width; column += 1) {
      for (let channel = 0; channel < channels; channel += 1) {
        const delta = rng.next() < 0.5 ? -epsilon : epsilon;
        for (let row = 0; row < height; row += 1) {
          const at = example * size + (row * width + column) * channels + channel;
          best[at] = clamp(clean[at] + delta);
        }
      }
    }
  }
  const all = Array.from({ length: batch }, (_, index) => index);
  const margin = query(tf, classifier, best, all, labels, x.shape, queryRng.fork('query 0'), counter);
  const trial = new Float32Array(clean.length);
  for (let iteration = 1; iteration < options.queries; iteration += 1) {
    if (input.signal?.aborted) {
      throw new AdvbenchError(ATTACK_ABORTED, `square attack aborted at query ${iteration}`, { cause: input.signal.reason, details: { iteration } });
    }
    const active = all.filter((example) => margin[example] > 0);
    if (active.length === 0) break;
    const side = squareSide(squareFraction(options.pInit, iteration - 1, options.queries), height, width);
    for (const example of active) propose(trial, best, clean, example, { height, width, channels, side, epsilon }, rng);
    const proposed = query(tf, classifier, trial, active, labels, x.shape, queryRng.fork(`query ${iteration}`), counter);
    active.forEach((example) => {
      if (proposed[example] < margin[example]) {
        margin[example] = proposed[example];
        best.set(trial.subarray(example * size, (example + 1) * size), example * size);
      }
    });
    if (input.onStep && (iteration % options.progressEvery === 0 || iteration === options.queries - 1)) {
      const finite = [...margin].filter((value) => Number.isFinite(value));
      input.onStep({
        step: iteration,
        steps: options.queries - 1,
        restart: 1,
        restarts: 1,
        successRate: margin.filter((value) => value <= 0).length / batch,
        loss: finite.length > 0 ? finite.reduce((sum, value) => sum + value, 0) / finite.length : 0,
      });
    }
    if (iteration % options.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return tf.tensor4d(best, [batch, height, width, channels], 'float32');
}

/** Writes into `trial` (example's slice) the best point with one square window given fresh +-eps per channel. */
function propose(
  trial: Float32Array,
  best: Float32Array,
  clean: Float32Array,
  example: number,
  shape: { height: number; width: number; channels: number; side: number; epsilon: number },
  rng: RandomSource,
): void {
  const { height, width, channels, side, epsilon } = shape;
  const size = height * width * channels;
  const offset = example * size;
  trial.set(best.subarray(offset, offset + size), offset);
  const top = rng.int(height - side + 1);
  const left = rng.int(width - side + 1);
  // Redraw the signs while the window would not change (at most a few times: near the box edges it may not).
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const signs = Array.from({ length: channels }, () => (rng.next() < 0.5 ? -epsilon : epsilon));
    let changed = false;
    for (let row = top; row < top + side; row += 1) {
      for (let column = left; column < left + side; column += 1) {
        for (let channel = 0; channel < channels; channel += 1) {
          const at = offset + (row * width + column) * channels + channel;
          trial[at] = clamp(clean[at] + signs[channel]);
          if (Math.abs(trial[at] - best[at]) >= 1e-7) changed = true;
        }
      }
    }
    if (changed) return;
  }
}

/** Margin `log p_y - max_{i != y} log p_i` per example of `examples` (others keep +Infinity), one query each. */
function query(
  tf: TensorFlow,
  classifier: Classifier,
  images: Float32Array,
  examples: number[],
  labels: Int32Array,
  shape: readonly number[],
  rng: RandomSource,
  counter: { queries: number },
): Float64Array {
  const [batch, height, width, channels] = shape as [number, number, number, number];
  const size = height * width * channels;
  const margins = new Float64Array(batch).fill(Number.POSITIVE_INFINITY);
  const rows = new Float32Array(examples.length * size);
  examples.forEach((example, position) => rows.set(images.subarray(example * size, (example + 1) * size), position * size));
  const probabilities = tf.tidy(() => classifier.predict(tf.tensor4d(rows, [examples.length, height, width, channels], 'float32'), rng).dataSync() as Float32Array);
  counter.queries += examples.length;
  const classes = probabilities.length / examples.length;
  examples.forEach((example, position) => {
    let trueScore = 0;
    let otherScore = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < classes; index += 1) {
      const value = Math.log(Math.max(probabilities[position * classes + index], PROBABILITY_FLOOR));
      if (index === labels[example]) trueScore = value;
      else otherScore = Math.max(otherScore, value);
    }
    margins[example] = trueScore - otherScore;
  });
  return margins;
}

function clamp(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
