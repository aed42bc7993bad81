import { AdvbenchError, eotDrawGroups, inputError } from '@advbench/core/plugin-api';
import type { AttackCost, AttackInput, AttackInstance, AttackSurface, RandomSource, Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
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
 * Each step moves by `stepSize * sign(gradient)` and projects to the eps-ball around `x` and to [0, 1]. With `keep:
 * 'best'` the most damaging iterate per example is returned, judged only by the decision rule: on an `exact` surface
 * (its arg-max is the decision rule) the first iterate it misclassifies, else the highest-loss one, stopping early
 * once all are fooled; on any other surface (a surrogate such as INN's `inn2`, or a randomized one) the iterate the
 * harness's `judge` scores lowest among `judgeCheckpoints` per restart, or the last iterate when there is no judge.
 * On a randomized surface the gradient, loss and probabilities are averaged over `eotSamples` draws (EOT, Athalye
 * et al. 2018), by default in passes over stacked copies (all draws in one pass while the stacked input stays under
 * `eotStackLimit` values). Gradients are taken w.r.t. the input only.
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
      eotStacked: options.eotStacked,
      eotStackLimit: options.eotStackLimit,
      keep: options.keep,
      judgeCheckpoints: options.keep === 'best' ? options.judgeCheckpoints : undefined,
      kept:
        options.keep === 'best'
          ? `exact surfaces: per example the first iterate misclassified (early stop); other surfaces: the iterate the harness's judge scores lowest among ${options.judgeCheckpoints} per restart (the last iterate without a judge)`
          : 'the final iterate (no extra evaluation pass)',
    }),
  };
}

/**
 * The surface's verdict on `x`, averaged over its EOT draws: loss, gradient and probabilities summed over `groups`
 * (draws per pass, from `eotDrawGroups`; one pass per group, see {@link evaluateCopies}) and divided by the draws.
 * Without stacking every group is one draw, a plain loop over the draws.
 */
function evaluate(tf: TensorFlow, surface: AttackSurface, x: Tensor4D, y: Tensor1D, rng: RandomSource, groups: readonly number[], withGradient: boolean, counter: PassCounter): Evaluation {
  const draws = groups.reduce((sum, copies) => sum + copies, 0);
  counter.forwardPasses += x.shape[0] * draws;
  if (withGradient) counter.backwardPasses += x.shape[0] * draws;
  return tf.tidy(() => {
    let gradientSum: Tensor | undefined;
    let lossSum: Tensor | undefined;
    let probabilitySum: Tensor | undefined;
    for (const copies of groups) {
      const part = evaluateCopies(tf, surface, x, y, rng, copies, withGradient);
      lossSum = lossSum === undefined ? part.loss : tf.add(lossSum, part.loss);
      probabilitySum = probabilitySum === undefined ? part.probabilities : tf.add(probabilitySum, part.probabilities);
      if (part.gradient) gradientSum = gradientSum === undefined ? part.gradient : tf.add(gradientSum, part.gradient);
    }
    // Float 0/1 rather than bool: the wasm backend's Select kernel mishandles bool values (heap corruption).
    const fooled = tf.cast(tf.notEqual(tf.argMax(probabilitySum as Tensor, 1), tf.cast(y, 'int32')), 'float32') as Tensor1D;
    const loss = tf.div(lossSum as Tensor, draws) as Tensor1D;
    return withGradient ? { gradient: tf.div(gradientSum as Tensor, draws) as Tensor4D, loss, fooled } : { loss, fooled };
  });
}

/**
 * `copies` draws in one pass: the batch stacked `copies` times ([copies * batch, ...], draw-major; the batch itself
 * when `copies` is 1), one forward (and backward) through the surface, which draws its randomness per row; returns
 * per example the loss, the probabilities and the loss's input gradient, each summed over the copies. Call inside
 * `tf.tidy`.
 */
function evaluateCopies(tf: TensorFlow, surface: AttackSurface, x: Tensor4D, y: Tensor1D, rng: RandomSource, copies: number, withGradient: boolean): { loss: Tensor1D; probabilities: Tensor2D; gradient?: Tensor4D } {
  const batch = x.shape[0];
  const labels = copies === 1 ? y : (tf.tile(tf.cast(y, 'int32'), [copies]) as Tensor1D);
  let output: Tensor2D | undefined;
  const summedLoss = (input: Tensor4D): Tensor1D => {
    const forward = surface.forward(copies === 1 ? input : (tf.tile(input, [copies, 1, 1, 1]) as Tensor4D), rng);
    output = tf.keep(forward);
    const perExample = perExampleLoss(tf, forward, labels, surface.output);
    return copies === 1 ? perExample : (tf.sum(tf.reshape(perExample, [copies, batch]), 0) as Tensor1D);
  };
  let loss: Tensor1D;
  let gradient: Tensor4D | undefined;
  if (withGradient) {
    const { value, grad } = tf.valueAndGrad(summedLoss)(x);
    loss = value;
    gradient = grad as Tensor4D;
  } else {
    loss = summedLoss(x);
  }
  const softmax = tf.softmax(output as Tensor2D);
  const probabilities = (copies === 1 ? softmax : tf.sum(tf.reshape(softmax, [copies, batch, -1]), 0)) as Tensor2D;
  (output as Tensor2D).dispose();
  return gradient ? { loss, probabilities, gradient } : { loss, probabilities };
}

/**
 * Replaces, per example, the best iterate by `candidate` where it is more damaging, on an exact surface (the
 * decision rule itself): once an example is misclassified its iterate is frozen; before that, a misclassified or
 * higher-loss one wins. Disposes the old tensors.
 */
function consider(tf: TensorFlow, best: Best, candidate: Tensor4D, evaluation: Evaluation): void {
  const next = tf.tidy(() => {
    const higher = tf.greater(evaluation.loss, best.loss);
    const improve = tf.logicalAnd(tf.equal(best.fooled, 0), tf.logicalOr(tf.greater(evaluation.fooled, 0), higher));
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

/** Example passes through the surface so far: the pass counts of the attack's cost report. */
type PassCounter = Pick<AttackCost, 'forwardPasses' | 'backwardPasses'>;

/** What every PGD variant below shares. */
interface PgdParts {
  stepSize: number;
  /** Example forward and backward passes through the surface so far (EOT draws and restarts included). */
  counter: PassCounter;
  /** EOT draws per pass (one group of 1 on a deterministic surface), from `eotDrawGroups` for the batch's shape. */
  drawGroups: readonly number[];
  project: (candidate: Tensor) => Tensor4D;
  start: (rng: RandomSource) => Tensor4D;
}

/** Runs PGD and reports its cost (surface passes, judge calls, seconds) through `input.report`. */
async function runPgd(tf: TensorFlow, options: PgdOptions, input: AttackInput): Promise<Tensor4D> {
  const started = Date.now();
  const counter: PassCounter = { forwardPasses: 0, backwardPasses: 0 };
  let judgeCalls = 0;
  const judge = input.judge;
  const counted: AttackInput = judge ? { ...input, judge: (candidates) => ((judgeCalls += 1), judge(candidates)) } : input;
  const result = await pgdWithCounter(tf, options, counted, counter);
  input.report?.({ cost: { ...counter, queries: 0, judgeCalls, seconds: (Date.now() - started) / 1000 } });
  return result;
}

async function pgdWithCounter(tf: TensorFlow, options: PgdOptions, input: AttackInput, counter: PassCounter): Promise<Tensor4D> {
  const { surface, x, epsilon } = input;
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw inputError('ADVBENCH_ERR_ATTACK_EPSILON', `pgd: epsilon must be a finite number >= 0, got ${epsilon}`, { details: { epsilon } });
  }
  if (epsilon === 0) return x.clone();
  const [lower, upper] = tf.tidy(() => [tf.maximum(tf.sub(x, epsilon), 0), tf.minimum(tf.add(x, epsilon), 1)]);
  const project = (candidate: Tensor) => tf.minimum(tf.maximum(candidate, lower), upper) as Tensor4D;
  const parts: PgdParts = {
    counter,
    stepSize: resolveStepSize(options, epsilon),
    drawGroups: eotDrawGroups(surface.randomized ? options.eotSamples : 1, {
      stacked: options.eotStacked,
      examples: x.shape[0],
      valuesPerExample: x.shape[1] * x.shape[2] * x.shape[3],
      stackLimit: options.eotStackLimit,
    }),
    project,
    start: (restartRng) => (options.randomStart ? tf.tidy(() => project(tf.add(x, tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', restartRng.seed())))) : x.clone()),
  };
  try {
    if (options.keep === 'last') return await lastIterate(tf, options, input, parts);
    // Only the decision rule itself may pick the best iterate: the surface when it is exact, else the harness's judge.
    if (surface.exact === true && !surface.randomized) return await bestOnExactSurface(tf, options, input, parts);
    // One restart judged at one step leaves a single candidate, the last iterate: judging it would choose nothing.
    const candidates = options.restarts * judgeCheckpointSteps(options.steps, options.judgeCheckpoints).length;
    if (input.judge && candidates > 1) return await bestByJudge(tf, options, input, parts, input.judge);
    return await lastIterate(tf, options, input, parts);
  } finally {
    tf.dispose([lower, upper]);
  }
}

/** One signed-gradient step from `current`, projected; disposes `current`. */
function stepFrom(tf: TensorFlow, parts: PgdParts, current: Tensor4D, gradient: Tensor4D): Tensor4D {
  const next = tf.tidy(() => parts.project(tf.add(current, tf.mul(tf.sign(gradient), parts.stepSize))));
  current.dispose();
  return next;
}

/**
 * `best` on an exact surface: per example the first iterate the surface (= the decision rule) misclassifies, else
 * the highest-loss one, over all steps and restarts; stops early once every example is misclassified.
 */
async function bestOnExactSurface(tf: TensorFlow, options: PgdOptions, input: AttackInput, parts: PgdParts): Promise<Tensor4D> {
  const { surface, x, y, rng, signal, onStep } = input;
  const batch = x.shape[0];
  const best: Best = { x: x.clone(), loss: tf.fill([batch], Number.NEGATIVE_INFINITY) as Tensor1D, fooled: tf.zeros([batch], 'float32') as Tensor1D };
  const successRate = (): Promise<number> => readMean(tf, best.fooled);
  try {
    for (let restart = 1; restart <= options.restarts; restart += 1) {
      const restartRng = rng.fork(`restart ${restart}`);
      let current = parts.start(restartRng);
      try {
        for (let step = 0; step <= options.steps; step += 1) {
          throwIfAborted(signal, restart, step);
          const evaluation = evaluate(tf, surface, current, y, restartRng, parts.drawGroups, step < options.steps, parts.counter);
          consider(tf, best, current, evaluation);
          const rate = await successRate();
          // Every example fooled (and frozen): further steps cannot change the result.
          const finished = step === options.steps || rate === 1;
          if (onStep && step > 0 && (step % options.progressEvery === 0 || finished)) {
            const loss = await readMean(tf, evaluation.loss);
            onStep({ step, steps: options.steps, restart, restarts: options.restarts, successRate: rate, loss });
          }
          if (!finished) current = stepFrom(tf, parts, current, evaluation.gradient as Tensor4D);
          tf.dispose([evaluation.gradient, evaluation.loss, evaluation.fooled].filter((tensor) => tensor !== undefined));
          if (finished) break;
          // Let the event loop breathe between steps (progress output, Ctrl-C).
          if (step % options.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        current.dispose();
      }
      if ((await successRate()) === 1) break;
    }
    return best.x;
  } catch (error) {
    best.x.dispose();
    throw error;
  } finally {
    tf.dispose([best.loss, best.fooled]);
  }
}

/** The steps (1-based) whose iterate the judge scores: `count` evenly spaced ones, the last step always among them. */
export function judgeCheckpointSteps(steps: number, count: number): number[] {
  const chosen = new Set<number>();
  for (let index = 1; index <= Math.min(count, steps); index += 1) chosen.add(Math.round((index * steps) / Math.min(count, steps)));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * `best` on a surface that is not exact (a surrogate, or randomized): the surface's own verdict says nothing about
 * the decision rule, so the harness's judge scores the iterates at {@link judgeCheckpointSteps} of every restart
 * and, per example, the one with the lowest judged correctness is kept (ties go to the later iterate). No early
 * stop. Cost: `restarts * judgeCheckpoints` judge calls on top of the `restarts * steps` gradient passes.
 */
async function bestByJudge(tf: TensorFlow, options: PgdOptions, input: AttackInput, parts: PgdParts, judge: NonNullable<AttackInput['judge']>): Promise<Tensor4D> {
  const { surface, x, y, rng, signal, onStep } = input;
  const batch = x.shape[0];
  const checkpoints = new Set(judgeCheckpointSteps(options.steps, options.judgeCheckpoints));
  let best: Tensor4D | undefined;
  const bestScore = new Float32Array(batch).fill(Number.POSITIVE_INFINITY);
  try {
    for (let restart = 1; restart <= options.restarts; restart += 1) {
      const restartRng = rng.fork(`restart ${restart}`);
      let current = parts.start(restartRng);
      try {
        for (let step = 1; step <= options.steps; step += 1) {
          throwIfAborted(signal, restart, step);
          const evaluation = evaluate(tf, surface, current, y, restartRng, parts.drawGroups, true, parts.counter);
          const loss = onStep && (step % options.progressEvery === 0 || step === options.steps) ? await readMean(tf, evaluation.loss) : undefined;
          current = stepFrom(tf, parts, current, evaluation.gradient as Tensor4D);
          tf.dispose([evaluation.gradient as Tensor4D, evaluation.loss, evaluation.fooled]);
          if (checkpoints.has(step)) {
            const scores = await judge(current);
            const improve = Array.from(scores, (score, index) => (score <= bestScore[index] ? 1 : 0));
            improve.forEach((flag, index) => {
              if (flag === 1) bestScore[index] = scores[index];
            });
            const previous = best;
            best = previous === undefined ? current.clone() : tf.tidy(() => tf.where(tf.cast(tf.reshape(tf.tensor1d(improve, 'int32'), [-1, 1, 1, 1]), 'bool'), current, previous) as Tensor4D);
            previous?.dispose();
          }
          if (loss !== undefined) {
            const judged = bestScore.every(Number.isFinite) ? 1 - bestScore.reduce((sum, score) => sum + score, 0) / batch : 0;
            onStep?.({ step, steps: options.steps, restart, restarts: options.restarts, successRate: judged, loss });
          }
          if (step % options.progressEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        current.dispose();
      }
    }
    return best as Tensor4D;
  } catch (error) {
    best?.dispose();
    throw error;
  }
}

/**
 * Plain PGD: one restart, the final iterate, exactly `steps` gradient passes. What adversarial training uses
 * (`keep: 'last'`), and what `best` falls back to on a surface that is not exact when no judge is given.
 */
async function lastIterate(
  tf: TensorFlow,
  options: PgdOptions,
  input: AttackInput,
  parts: PgdParts,
): Promise<Tensor4D> {
  const { surface, y, rng, signal, onStep } = input;
  const restartRng = rng.fork('restart 1');
  let current = parts.start(restartRng);
  try {
    for (let step = 1; step <= options.steps; step += 1) {
      throwIfAborted(signal, 1, step);
      const evaluation = evaluate(tf, surface, current, y, restartRng, parts.drawGroups, true, parts.counter);
      current = stepFrom(tf, parts, current, evaluation.gradient as Tensor4D);
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
