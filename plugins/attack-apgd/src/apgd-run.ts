import type { RandomSource, Tensor, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import { apgdCheckpoints } from './apgd-checkpoints.js';
import type { ApgdOptions } from './apgd-options.js';
import { evaluateSurface, type EvaluationSetup } from './surface-evaluation.js';

/** One APGD run (one restart, one target) on a batch of examples. */
export interface ApgdRunInput {
  /** Clean images of the examples attacked. */
  x: Tensor4D;
  /** Linf budget. */
  epsilon: number;
  /** Surface, labels, targets, loss and draws. */
  setup: EvaluationSetup;
  /** Randomness of this run (start point and surface draws). */
  rng: RandomSource;
  /** True when the surface's verdict is the decision rule: stop early once every example is misclassified. */
  exact: boolean;
  /** Throws when the attack must stop (called every iteration). */
  checkAbort(iteration: number): void;
  /** Progress after an iteration. */
  onIteration?(iteration: number, meanLoss: number, wrongFraction: number): void;
  /** Iterations between progress reports and event-loop yields. */
  progressEvery: number;
}

/** What one run found, per example. The caller owns the tensors. */
export interface ApgdRunResult {
  /** The iterate with the highest loss. */
  highest: Tensor4D;
  /** That loss. */
  highestLoss: Float32Array;
  /** The final iterate. */
  last: Tensor4D;
  /** The first iterate the surface misclassified (where `wrong`; else the highest-loss one). */
  firstWrong: Tensor4D;
  /** 1 where some iterate was misclassified by the surface. */
  wrong: Uint8Array;
}

/**
 * Auto-PGD (Croce & Hein 2020, Algorithm 1) on one batch: a random start in the eps-ball, a first signed-gradient
 * step of `initialStepFactor * eps`, then momentum steps `x + alpha (z - x) + (1 - alpha)(x - x_prev)` with `z` the
 * projected signed-gradient step. At each checkpoint `w_j` the step size of an example is halved, and the example
 * restarted from its best point, when fewer than `rho` of the steps since `w_{j-1}` increased its loss (condition 1),
 * or when its step was not halved at `w_{j-1}` and its best loss has not improved since (condition 2).
 */
export async function runApgdOnce(tf: TensorFlow, options: ApgdOptions, input: ApgdRunInput): Promise<ApgdRunResult> {
  const { x, epsilon, setup, rng } = input;
  const batch = x.shape[0];
  const iterations = options.iterations;
  const checkpoints = new Set(apgdCheckpoints(iterations).filter((point) => point > 0));
  const [lower, upper] = tf.tidy(() => [tf.maximum(tf.sub(x, epsilon), 0), tf.minimum(tf.add(x, epsilon), 1)]);
  const project = (candidate: Tensor) => tf.minimum(tf.maximum(candidate, lower), upper) as Tensor4D;
  const held = new Set<Tensor>();
  const hold = <T extends Tensor>(tensor: T): T => (held.add(tensor), tensor);
  const release = (tensor: Tensor | undefined) => {
    if (tensor && held.delete(tensor)) tensor.dispose();
  };
  try {
    // Start: x + eps * t / max|t| with t uniform in [-1, 1] (as the reference code), projected to [0, 1].
    let current = hold(
      tf.tidy(() => {
        const t = tf.randomUniform(x.shape, -1, 1, 'float32', rng.seed());
        const scale = tf.maximum(tf.max(tf.abs(t), [1, 2, 3], true), 1e-12);
        return project(tf.add(x, tf.mul(tf.div(t, scale), epsilon)));
      }),
    );
    let evaluation = evaluateSurface(tf, setup, current, rng, true);
    let gradient = hold(evaluation.gradient!);
    let highest = hold(current.clone());
    let highestGradient = hold(gradient.clone());
    const highestLoss = Float32Array.from(evaluation.loss);
    let firstWrong = hold(current.clone());
    const wrong = Uint8Array.from(evaluation.wrong);
    let previousLoss = Float32Array.from(evaluation.loss);
    let previous = hold(current.clone());
    const stepSize = new Float32Array(batch).fill(options.initialStepFactor * epsilon);
    const increases = new Int32Array(batch);
    const reducedAtLastCheck = new Uint8Array(batch);
    const bestAtLastCheck = Float32Array.from(highestLoss);
    let lastCheck = 0;
    for (let iteration = 1; iteration <= iterations; iteration += 1) {
      input.checkAbort(iteration);
      if (input.exact && wrong.every((flag) => flag === 1)) break;
      const alpha = iteration === 1 ? 1 : options.momentum;
      const next = tf.tidy(() => {
        const step = tf.reshape(tf.tensor1d(stepSize), [-1, 1, 1, 1]);
        const z = project(tf.add(current, tf.mul(tf.sign(gradient), step)));
        return project(tf.add(tf.add(current, tf.mul(tf.sub(z, current), alpha)), tf.mul(tf.sub(current, previous), 1 - alpha)));
      });
      release(previous);
      previous = current;
      current = hold(next);
      release(gradient);
      const final = iteration === iterations;
      evaluation = evaluateSurface(tf, setup, current, rng, !final);
      gradient = hold(evaluation.gradient ?? tf.zerosLike(current));
      const loss = evaluation.loss;
      const improved = new Uint8Array(batch);
      const newlyWrong = new Uint8Array(batch);
      for (let index = 0; index < batch; index += 1) {
        if (loss[index] > previousLoss[index]) increases[index] += 1;
        if (loss[index] > highestLoss[index]) {
          improved[index] = 1;
          highestLoss[index] = loss[index];
        }
        if (evaluation.wrong[index] && !wrong[index]) {
          newlyWrong[index] = 1;
          wrong[index] = 1;
        }
      }
      previousLoss = Float32Array.from(loss);
      highest = replaceWhere(tf, improved, current, highest, hold, release);
      highestGradient = replaceWhere(tf, improved, gradient, highestGradient, hold, release);
      firstWrong = replaceWhere(tf, newlyWrong, current, firstWrong, hold, release);
      if (checkpoints.has(iteration) && !final) {
        const halve = new Uint8Array(batch);
        const window = iteration - lastCheck;
        for (let index = 0; index < batch; index += 1) {
          const oscillating = increases[index] < options.rho * window;
          const stalled = !reducedAtLastCheck[index] && bestAtLastCheck[index] >= highestLoss[index];
          halve[index] = oscillating || stalled ? 1 : 0;
          if (halve[index]) stepSize[index] /= 2;
          reducedAtLastCheck[index] = halve[index];
          bestAtLastCheck[index] = highestLoss[index];
          increases[index] = 0;
        }
        current = replaceWhere(tf, halve, highest, current, hold, release);
        gradient = replaceWhere(tf, halve, highestGradient, gradient, hold, release);
        lastCheck = iteration;
      }
      if (input.onIteration && (iteration % input.progressEvery === 0 || final)) {
        const meanLoss = loss.reduce((sum, value) => sum + value, 0) / batch;
        input.onIteration(iteration, meanLoss, evaluation.wrong.reduce((sum, value) => sum + value, 0) / batch);
      }
      if (iteration % input.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Examples never misclassified: their "first wrong" is the highest-loss iterate.
    const keepHighest = Uint8Array.from(wrong, (flag) => 1 - flag);
    firstWrong = replaceWhere(tf, keepHighest, highest, firstWrong, hold, release);
    const result: ApgdRunResult = { highest, highestLoss, last: current, firstWrong, wrong };
    for (const tensor of [highest, current, firstWrong]) held.delete(tensor);
    return result;
  } finally {
    for (const tensor of held) tensor.dispose();
    tf.dispose([lower, upper]);
  }
}

/** `where(mask, candidate, base)` per example; releases `base` and holds the result. */
function replaceWhere<T extends Tensor>(
  tf: TensorFlow,
  mask: Uint8Array,
  candidate: T,
  base: T,
  hold: <U extends Tensor>(tensor: U) => U,
  release: (tensor: Tensor) => void,
): T {
  if (!mask.some((flag) => flag === 1)) return base;
  const next = tf.tidy(() => {
    const condition = tf.reshape(tf.cast(tf.tensor1d(Array.from(mask), 'int32'), 'bool'), [-1, ...Array<number>(base.rank - 1).fill(1)]);
    return tf.where(condition, candidate, base);
  }) as T;
  if (next === base) return base;
  release(base);
  return hold(next);
}
