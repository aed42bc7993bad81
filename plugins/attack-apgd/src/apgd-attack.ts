import { AdvbenchError, inputError } from '@advbench/core/plugin-api';
import type { AttackCost, AttackInput, AttackInstance, Tensor, Tensor1D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import { apgdCheckpoints } from './apgd-checkpoints.js';
import type { ApgdOptions } from './apgd-options.js';
import { runApgdOnce, type ApgdRunResult } from './apgd-run.js';
import type { PassCounter } from './surface-evaluation.js';

/** Code of the error thrown when the attack stops because its signal was aborted. */
export const ATTACK_ABORTED = 'ADVBENCH_ERR_ABORTED';

/** How the best point per example is chosen (see {@link createApgdAttack}). */
type Selection = 'surface-verdict' | 'judge' | 'highest-loss';

/**
 * Auto-PGD, Linf (Croce & Hein 2020, arXiv 2003.01690), as an advbench attack instance.
 *
 * Runs `restarts` APGD runs (times `targets` target classes with `dlr-targeted`), each only on the examples not
 * yet broken, and keeps per example the best point found:
 * - on an `exact` deterministic surface (its verdict is the decision rule): the first iterate it misclassifies,
 *   else the highest-loss one; runs stop early once every example is misclassified;
 * - on any other surface, when the harness gives `input.judge`: the highest-loss or the last iterate of each run,
 *   whichever the defense's real decision rule classifies correctly least often; examples it always misclassifies
 *   are done;
 * - otherwise the highest-loss iterate (EOT-averaged on a randomized surface), never the surrogate's verdict.
 */
export function createApgdAttack(tf: TensorFlow, options: ApgdOptions): AttackInstance {
  return {
    describe: () => ({ ...options, checkpoints: apgdCheckpoints(options.iterations) }),
    async run(input: AttackInput): Promise<Tensor4D> {
      const started = Date.now();
      const counter: PassCounter = { forwardPasses: 0, backwardPasses: 0 };
      const judged = { calls: 0 };
      try {
        return await runApgd(tf, options, input, counter, judged);
      } finally {
        const cost: AttackCost = { ...counter, queries: 0, judgeCalls: judged.calls, seconds: (Date.now() - started) / 1000 };
        input.report?.({ cost });
      }
    },
  };
}

async function runApgd(tf: TensorFlow, options: ApgdOptions, input: AttackInput, counter: PassCounter, judged: { calls: number }): Promise<Tensor4D> {
  const { surface, x, y, epsilon } = input;
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw inputError('ADVBENCH_ERR_ATTACK_EPSILON', `apgd: epsilon must be a finite number >= 0, got ${epsilon}`, { details: { epsilon } });
  }
  if (epsilon === 0) return x.clone();
  const batch = x.shape[0];
  const exact = surface.exact === true && !surface.randomized;
  const selection: Selection = exact ? 'surface-verdict' : input.judge ? 'judge' : 'highest-loss';
  const draws = surface.randomized ? options.eotSamples : 1;
  const judge = async (candidates: Tensor4D): Promise<Float32Array> => {
    judged.calls += 1;
    return input.judge!(candidates);
  };
  const targets = options.loss === 'dlr-targeted' ? rankClasses(tf, input, draws, options, counter) : undefined;
  const targetCount = targets ? targets.ranks : 1;
  const runs = targetCount * options.restarts;
  let best = x.clone();
  const bestLoss = new Float32Array(batch).fill(Number.NEGATIVE_INFINITY);
  const done = new Uint8Array(batch);
  const attacked = new Uint8Array(batch);
  let fraction = new Float32Array(batch).fill(1);
  try {
    if (selection === 'judge') {
      fraction = Float32Array.from(await judge(best));
      fraction.forEach((value, index) => (done[index] = value === 0 ? 1 : 0));
    }
    let run = 0;
    for (let target = 1; target <= targetCount; target += 1) {
      for (let restart = 1; restart <= options.restarts; restart += 1) {
        run += 1;
        const active = [...done.keys()].filter((index) => !done[index]);
        if (active.length === 0) break;
        const indices = tf.tensor1d(active, 'int32');
        const xs = tf.gather(x, indices) as Tensor4D;
        const labels = tf.gather(y, indices) as Tensor1D;
        const runTargets = targets ? (tf.gather(targets.byRank[target]!, indices) as Tensor1D) : undefined;
        let result: ApgdRunResult | undefined;
        try {
          result = await runApgdOnce(tf, options, {
            x: xs,
            epsilon,
            setup: { surface, labels, targets: runTargets, loss: options.loss, draws, batchDraws: options.eotBatch, stackLimit: options.eotStackLimit, counter },
            rng: input.rng.fork(`run ${run}`),
            exact,
            progressEvery: options.progressEvery,
            checkAbort: (iteration) => {
              if (input.signal?.aborted) {
                throw new AdvbenchError(ATTACK_ABORTED, `apgd attack aborted at run ${run}, iteration ${iteration}`, { cause: input.signal.reason, details: { run, iteration } });
              }
            },
            onIteration: (iteration, meanLoss, wrongFraction) => {
              const doneFraction = done.reduce((sum, value) => sum + value, 0) / batch;
              const successRate = selection === 'highest-loss' ? wrongFraction : doneFraction;
              input.onStep?.({ step: iteration, steps: options.iterations, restart: run, restarts: runs, successRate, loss: meanLoss });
            },
          });
          const { next, improved } = await merge(tf, { selection, x: best, active, result, bestLoss, done, attacked, fraction, judge });
          if (next !== best) {
            best.dispose();
            best = next;
          }
          improved.forEach((index) => (attacked[index] = 1));
        } finally {
          tf.dispose([indices, xs, labels, ...(runTargets ? [runTargets] : [])]);
          if (result) tf.dispose([result.highest, result.last, result.firstWrong]);
        }
      }
    }
    return best;
  } catch (error) {
    best.dispose();
    throw error;
  } finally {
    if (targets) tf.dispose(targets.byRank.filter((tensor): tensor is Tensor1D => tensor !== undefined));
  }
}

/** Target classes per example: the clean surface's classes ranked 2nd, 3rd, ... (draw-averaged probabilities). */
function rankClasses(tf: TensorFlow, input: AttackInput, draws: number, options: ApgdOptions, counter: PassCounter): { ranks: number; byRank: Array<Tensor1D | undefined> } {
  const rng = input.rng.fork('targets');
  const order = tf.tidy(() => {
    let sum: Tensor | undefined;
    for (let draw = 0; draw < draws; draw += 1) {
      const output = input.surface.forward(input.x, rng);
      const probabilities = input.surface.output === 'logits' ? tf.softmax(output) : tf.exp(output);
      sum = sum ? tf.add(sum, probabilities) : probabilities;
    }
    counter.forwardPasses += draws * input.x.shape[0];
    const classes = sum!.shape[1] as number;
    return tf.topk(sum!, Math.min(classes, options.targets + 1)).indices;
  });
  const ranks = Math.max(1, order.shape[1]! - 1);
  const byRank: Array<Tensor1D | undefined> = [undefined];
  for (let rank = 1; rank <= ranks; rank += 1) byRank.push(tf.tidy(() => tf.reshape(tf.slice(order, [0, Math.min(rank, order.shape[1]! - 1)], [-1, 1]), [-1]) as Tensor1D));
  order.dispose();
  return { ranks, byRank };
}

interface MergeInput {
  selection: Selection;
  /** The current best point of every example. */
  x: Tensor4D;
  /** Batch positions of the run's examples, in sub-batch order. */
  active: number[];
  result: ApgdRunResult;
  bestLoss: Float32Array;
  done: Uint8Array;
  attacked: Uint8Array;
  fraction: Float32Array;
  judge(candidates: Tensor4D): Promise<Float32Array>;
}

/** Folds one run's result into the per-example best points; returns the new best tensor and the positions replaced. */
async function merge(tf: TensorFlow, input: MergeInput): Promise<{ next: Tensor4D; improved: number[] }> {
  const { selection, active, result, bestLoss, done, fraction } = input;
  if (selection === 'judge') {
    const withHighest = scatter(tf, input.x, result.highest, active);
    const withLast = scatter(tf, input.x, result.last, active);
    try {
      const [judgedHighest, judgedLast] = [await input.judge(withHighest), await input.judge(withLast)];
      const takeHighest: number[] = [];
      const takeLast: number[] = [];
      active.forEach((position) => {
        const lastBetter = judgedLast[position] < judgedHighest[position];
        const candidate = lastBetter ? judgedLast[position] : judgedHighest[position];
        const better = input.attacked[position] ? candidate < fraction[position] : candidate <= fraction[position];
        if (!better) return;
        fraction[position] = candidate;
        if (candidate === 0) done[position] = 1;
        (lastBetter ? takeLast : takeHighest).push(position);
      });
      const next = tf.tidy(() => chooseRows(tf, chooseRows(tf, input.x, withHighest, takeHighest), withLast, takeLast));
      return { next, improved: [...takeHighest, ...takeLast] };
    } finally {
      tf.dispose([withHighest, withLast]);
    }
  }
  const replace: number[] = [];
  active.forEach((position, offset) => {
    if (selection === 'surface-verdict' && result.wrong[offset]) {
      replace.push(position);
      done[position] = 1;
    } else if (result.highestLoss[offset] > bestLoss[position]) {
      replace.push(position);
      bestLoss[position] = result.highestLoss[offset];
    }
  });
  const source = selection === 'surface-verdict' ? result.firstWrong : result.highest;
  const next = tf.tidy(() => chooseRows(tf, input.x, scatter(tf, input.x, source, active), replace));
  return { next, improved: replace };
}

/** `base` with the rows at `positions` replaced by the rows of `rows` (in `positions` order). */
function scatter(tf: TensorFlow, base: Tensor4D, rows: Tensor4D, positions: number[]): Tensor4D {
  return tf.tidy(() => {
    const map = Array.from({ length: base.shape[0] }, (_, index) => index);
    positions.forEach((position, offset) => (map[position] = base.shape[0] + offset));
    return tf.gather(tf.concat([base, rows], 0), tf.tensor1d(map, 'int32')) as Tensor4D;
  });
}

/** Per row: `candidate` at `positions`, else `base` (a new tensor). */
function chooseRows(tf: TensorFlow, base: Tensor4D, candidate: Tensor4D, positions: number[]): Tensor4D {
  const mask = new Int32Array(base.shape[0]);
  positions.forEach((position) => (mask[position] = 1));
  return tf.where(tf.reshape(tf.cast(tf.tensor1d(mask, 'int32'), 'bool'), [-1, 1, 1, 1]), candidate, base) as Tensor4D;
}
