import { AdvbenchError, inputError } from '@advbench/core/plugin-api';
import type { AttackInput, AttackInstance, AttackSurface, RandomSource, Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import type { Tensor } from '@tensorflow/tfjs-core';
import { perExampleLoss } from './per-example-loss.js';
import { resolveStepSize, type PgdOptions } from './pgd-options.js';
import { readMean } from './read-mean.js';

/** Code of the error thrown when the attack stops because its signal was aborted. */
export const ATTACK_ABORTED = 'ADVBENCH_ERR_ABORTED';

/** The surface's verdict on one iterate, averaged over the EOT draws. */
interface Evaluation {
  /** Mean gradient of the summed per-example loss w.r.t. the iterate (absent for a forward-only evaluation). */
  gradient?: Tensor4D;
  /** Mean per-example loss [batch]. */
  loss: Tensor1D;
  /** Per-example float32 0/1 [batch]: 1 when the mean probabilities' top class is not the label. */
  fooled: Tensor1D;
}

/** The best iterate per example so far (see {@link consider} for what "best" means). */
interface Best {
  x: Tensor4D;
  loss: Tensor1D;
  fooled: Tensor1D;
}

/**
 * Linf projected gradient descent (Madry et al. 2018) on a defense's attack surface.
 *
 * Paper: "Towards Deep Learning Models Resistant to Adversarial Attacks", arXiv 1706.06083.
 * Distance: Linf, on the [0, 1] pixel scale. Loss: cross-entropy on logits (NLL on log-probabilities).
 * Each step moves by `stepSize * sign(gradient)` and projects to the eps-ball around `x` and to [0, 1]. Per example
 * the most damaging iterate over all steps and restarts is returned, not the last: on a deterministic surface the
 * first one the surface misclassifies, else the one with the highest loss; on a randomized surface the one with the
 * highest EOT-averaged loss. On a randomized surface the gradient, loss and probabilities are
 * averaged over `eotSamples` draws (EOT, Athalye et al. 2018). Gradients are taken w.r.t. the input only.
 * With `keep: 'last'` (adversarial training) it is plain PGD: the final iterate, exactly `steps` gradient passes.
 * Shapes: x [batch, h, w, c] in [0, 1], y int32 [batch]; returns a new [batch, h, w, c] tensor the caller owns.
 */
export function createPgdAttack(tf: TensorFlow, options: PgdOptions): AttackInstance {
  return {
    run: (input) => runPgd(tf, options, input),
    describe: () => ({
      norm: 'linf',
      loss: 'cross-entropy',
      steps: options.steps,
      stepSize: options.stepSize ?? `${options.stepSizeFactor} * epsilon / ${options.steps}`,
      stepSizeFactor: options.stepSize === undefined ? options.stepSizeFactor : undefined,
      randomStart: options.randomStart,
      restarts: options.restarts,
      eotSamples: options.eotSamples,
      eotAppliesTo: 'randomized surfaces only',
      keep: options.keep,
      kept: options.keep === 'best' ? 'per-example most damaging iterate over steps and restarts' : 'the final iterate (no extra evaluation pass)',
    }),
  };
}

function evaluate(tf: TensorFlow, surface: AttackSurface, x: Tensor4D, y: Tensor1D, rng: RandomSource, draws: number, withGradient: boolean): Evaluation {
  return tf.tidy(() => {
    let gradientSum: Tensor | undefined;
    let lossSum: Tensor | undefined;
    let probabilitySum: Tensor | undefined;
    for (let draw = 0; draw < draws; draw += 1) {
      let output: Tensor2D;
      let loss: Tensor1D;
      if (withGradient) {
        let kept: Tensor2D | undefined;
        const { value, grad } = tf.valueAndGrad((input: Tensor4D) => {
          const forward = surface.forward(input, rng);
          kept = tf.keep(forward);
          return perExampleLoss(tf, forward, y, surface.output);
        })(x);
        output = kept as Tensor2D;
        loss = value;
        gradientSum = gradientSum === undefined ? grad : tf.add(gradientSum, grad);
      } else {
        output = surface.forward(x, rng);
        loss = perExampleLoss(tf, output, y, surface.output);
      }
      const probabilities = tf.softmax(output);
      output.dispose();
      lossSum = lossSum === undefined ? loss : tf.add(lossSum, loss);
      probabilitySum = probabilitySum === undefined ? probabilities : tf.add(probabilitySum, probabilities);
    }
    // Float 0/1 rather than bool: the wasm backend's Select kernel mishandles bool values (heap corruption).
    const fooled = tf.cast(tf.notEqual(tf.argMax(probabilitySum as Tensor, 1), tf.cast(y, 'int32')), 'float32') as Tensor1D;
    const loss = tf.div(lossSum as Tensor, draws) as Tensor1D;
    return withGradient ? { gradient: tf.div(gradientSum as Tensor, draws) as Tensor4D, loss, fooled } : { loss, fooled };
  });
}

/**
 * Replaces, per example, the best iterate by `candidate` where it is more damaging. Disposes the old tensors.
 * Deterministic surface: once an example is misclassified its iterate is frozen; before that, a misclassified or
 * higher-loss one wins. Randomized surface: one draw's verdict is noise, so the highest (EOT-averaged) loss wins.
 */
function consider(tf: TensorFlow, best: Best, candidate: Tensor4D, evaluation: Evaluation, randomized: boolean): void {
  const next = tf.tidy(() => {
    const higher = tf.greater(evaluation.loss, best.loss);
    const improve = randomized ? higher : tf.logicalAnd(tf.equal(best.fooled, 0), tf.logicalOr(tf.greater(evaluation.fooled, 0), higher));
    return {
      x: tf.where(tf.reshape(improve, [-1, 1, 1, 1]), candidate, best.x) as Tensor4D,
      loss: tf.where(improve, evaluation.loss, best.loss) as Tensor1D,
      fooled: tf.where(improve, evaluation.fooled, best.fooled) as Tensor1D,
    };
  });
  tf.dispose([best.x, best.loss, best.fooled]);
  Object.assign(best, next);
}

function throwIfAborted(signal: AbortSignal | undefined, restart: number, step: number): void {
  if (signal?.aborted) {
    throw new AdvbenchError(ATTACK_ABORTED, `pgd attack aborted at restart ${restart}, step ${step}`, { cause: signal.reason, details: { restart, step } });
  }
}

async function runPgd(tf: TensorFlow, options: PgdOptions, input: AttackInput): Promise<Tensor4D> {
  const { surface, x, y, epsilon, rng, signal, onStep } = input;
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw inputError('ADVBENCH_ERR_ATTACK_EPSILON', `pgd: epsilon must be a finite number >= 0, got ${epsilon}`, { details: { epsilon } });
  }
  if (epsilon === 0) return x.clone();
  const stepSize = resolveStepSize(options, epsilon);
  const draws = surface.randomized ? options.eotSamples : 1;
  const batch = x.shape[0];
  const [lower, upper] = tf.tidy(() => [tf.maximum(tf.sub(x, epsilon), 0), tf.minimum(tf.add(x, epsilon), 1)]);
  const project = (candidate: Tensor) => tf.minimum(tf.maximum(candidate, lower), upper) as Tensor4D;
  const start = (restartRng: RandomSource): Tensor4D =>
    options.randomStart ? tf.tidy(() => project(tf.add(x, tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', restartRng.seed())))) : x.clone();
  if (options.keep === 'last') {
    try {
      return await lastIterate(tf, options, input, { stepSize, draws, project, start });
    } finally {
      tf.dispose([lower, upper]);
    }
  }
  const best: Best = { x: x.clone(), loss: tf.fill([batch], Number.NEGATIVE_INFINITY) as Tensor1D, fooled: tf.zeros([batch], 'float32') as Tensor1D };
  const successRate = (): Promise<number> => readMean(tf, best.fooled);
  try {
    for (let restart = 1; restart <= options.restarts; restart += 1) {
      const restartRng = rng.fork(`restart ${restart}`);
      let current = start(restartRng);
      try {
        for (let step = 0; step <= options.steps; step += 1) {
          throwIfAborted(signal, restart, step);
          const evaluation = evaluate(tf, surface, current, y, restartRng, draws, step < options.steps);
          consider(tf, best, current, evaluation, surface.randomized);
          const rate = await successRate();
          // Every example fooled (and frozen) on a deterministic surface: further steps cannot change the result.
          const finished = step === options.steps || (rate === 1 && !surface.randomized);
          if (onStep && step > 0 && (step % options.progressEvery === 0 || finished)) {
            const loss = await readMean(tf, evaluation.loss);
            onStep({ step, steps: options.steps, restart, restarts: options.restarts, successRate: rate, loss });
          }
          if (!finished) {
            const gradient = evaluation.gradient as Tensor4D;
            const next = tf.tidy(() => project(tf.add(current, tf.mul(tf.sign(gradient), stepSize))));
            current.dispose();
            current = next;
          }
          tf.dispose([evaluation.gradient, evaluation.loss, evaluation.fooled].filter((tensor) => tensor !== undefined));
          if (finished) break;
          // Let the event loop breathe between steps (progress output, Ctrl-C).
          if (step % options.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        current.dispose();
      }
      if ((await successRate()) === 1 && !surface.randomized) break;
    }
    return best.x;
  } catch (error) {
    best.x.dispose();
    throw error;
  } finally {
    tf.dispose([best.loss, best.fooled, lower, upper]);
  }
}

/** Plain PGD as used for adversarial training: one restart, the final iterate, exactly `steps` gradient passes. */
async function lastIterate(
  tf: TensorFlow,
  options: PgdOptions,
  input: AttackInput,
  parts: { stepSize: number; draws: number; project: (candidate: Tensor) => Tensor4D; start: (rng: RandomSource) => Tensor4D },
): Promise<Tensor4D> {
  const { surface, y, rng, signal, onStep } = input;
  const restartRng = rng.fork('restart 1');
  let current = parts.start(restartRng);
  try {
    for (let step = 1; step <= options.steps; step += 1) {
      throwIfAborted(signal, 1, step);
      const evaluation = evaluate(tf, surface, current, y, restartRng, parts.draws, true);
      const next = tf.tidy(() => parts.project(tf.add(current, tf.mul(tf.sign(evaluation.gradient as Tensor4D), parts.stepSize))));
      current.dispose();
      current = next;
      if (onStep && (step % options.progressEvery === 0 || step === options.steps)) {
        // Loss and success rate of the iterate this step started from (the final one is never evaluated).
        const [loss, successRate] = [await readMean(tf, evaluation.loss), await readMean(tf, evaluation.fooled)];
        onStep({ step, steps: options.steps, restart: 1, restarts: 1, successRate, loss });
      }
      tf.dispose([evaluation.gradient as Tensor4D, evaluation.loss, evaluation.fooled]);
      if (step % options.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return current;
  } catch (error) {
    current.dispose();
    throw error;
  }
}
