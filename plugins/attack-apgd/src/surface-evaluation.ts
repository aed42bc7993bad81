import { eotDrawGroups } from '@advbench/core/plugin-api';
import type { AttackSurface, RandomSource, Tensor, Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import { apgdLoss, type ApgdLoss } from './apgd-losses.js';

/** Counters of example passes through the surface. */
export interface PassCounter {
  /** Example forward passes. */
  forwardPasses: number;
  /** Example backward passes. */
  backwardPasses: number;
}

/** What one evaluation of a batch of iterates gives. */
export interface SurfaceEvaluation {
  /** Per-example loss averaged over the draws. */
  loss: Float32Array;
  /** Per example 1 where the surface's draw-averaged output ranks another class first. */
  wrong: Uint8Array;
  /** Gradient of the summed loss w.r.t. the iterates, averaged over the draws (caller disposes). */
  gradient?: Tensor4D;
}

/** How to evaluate: the surface, its labels and targets, the loss, and the EOT draws. */
export interface EvaluationSetup {
  /** The surface. */
  surface: AttackSurface;
  /** Labels of the iterates (int32). */
  labels: Tensor1D;
  /** Target classes (`dlr-targeted`). */
  targets?: Tensor1D;
  /** The loss. */
  loss: ApgdLoss;
  /** Draws per evaluation (1 on a deterministic surface). */
  draws: number;
  /** Stack the draws into shared passes. */
  batchDraws: boolean;
  /** Most input values in one stacked pass (see `eotDrawGroups`). */
  stackLimit: number;
  /** Pass counters to add to. */
  counter: PassCounter;
}

/**
 * Evaluates the loss (and optionally its input gradient) at `x`, averaged over `setup.draws` draws of the surface:
 * stacked as [copies * batch] forwards/backwards when `batchDraws` (all draws in one pass while the stacked input
 * stays under `stackLimit` values), else one pass per draw. Stacking assumes the
 * surface draws its randomness per example (as INN's backgrounds are), so stacked copies get independent draws.
 */
export async function evaluateSurface(tf: TensorFlow, setup: EvaluationSetup, x: Tensor4D, rng: RandomSource, withGradient: boolean): Promise<SurfaceEvaluation> {
  const { surface, draws } = setup;
  const [batch, height, width, channels] = x.shape;
  const groups = eotDrawGroups(draws, { stacked: setup.batchDraws, examples: batch, valuesPerExample: height * width * channels, stackLimit: setup.stackLimit });
  let lossSum: Tensor | undefined;
  let outputSum: Tensor | undefined;
  let gradientSum: Tensor | undefined;
  for (const copies of groups) {
    const part = tf.tidy(() => {
      let losses: Tensor1D | undefined;
      let outputs: Tensor2D | undefined;
      const objective = (input: Tensor): Tensor => {
        const stacked = (copies === 1 ? input : tf.tile(input, [copies, 1, 1, 1])) as Tensor4D;
        const labels = copies === 1 ? setup.labels : (tf.tile(setup.labels, [copies]) as Tensor1D);
        const targets = setup.targets && copies > 1 ? (tf.tile(setup.targets, [copies]) as Tensor1D) : setup.targets;
        const output = surface.forward(stacked, rng);
        const perExample = apgdLoss(tf, output, labels, surface.output, setup.loss, targets);
        losses = tf.keep(tf.sum(tf.reshape(perExample, [copies, batch]), 0) as Tensor1D);
        const probabilities = surface.output === 'logits' ? tf.softmax(output) : tf.exp(output);
        outputs = tf.keep(tf.sum(tf.reshape(probabilities, [copies, batch, -1]), 0) as Tensor2D);
        return tf.sum(perExample);
      };
      if (!withGradient) {
        objective(x);
        return { loss: losses!, output: outputs! };
      }
      const gradient = tf.grad(objective)(x);
      return { loss: losses!, output: outputs!, gradient };
    });
    setup.counter.forwardPasses += copies * batch;
    if (withGradient) setup.counter.backwardPasses += copies * batch;
    lossSum = accumulate(tf, lossSum, part.loss);
    outputSum = accumulate(tf, outputSum, part.output);
    if (part.gradient) gradientSum = accumulate(tf, gradientSum, part.gradient);
  }
  const [loss, wrong] = tf.tidy(() => [tf.div(lossSum!, draws), tf.notEqual(tf.argMax(outputSum!, 1), tf.cast(setup.labels, 'int32'))]);
  tf.dispose([lossSum!, outputSum!]);
  let result: SurfaceEvaluation;
  try {
    // Asynchronous reads: a GPU backend (webgpu in Node) cannot read tensors synchronously.
    result = { loss: (await loss.data()) as Float32Array, wrong: Uint8Array.from(await wrong.data()) };
  } catch (error) {
    gradientSum?.dispose();
    throw error;
  } finally {
    tf.dispose([loss, wrong]);
  }
  if (gradientSum) {
    result.gradient = tf.tidy(() => tf.div(gradientSum!, draws)) as Tensor4D;
    gradientSum.dispose();
  }
  return result;
}

function accumulate(tf: TensorFlow, sum: Tensor | undefined, part: Tensor): Tensor {
  if (!sum) return part;
  const next = tf.add(sum, part);
  tf.dispose([sum, part]);
  return next;
}
