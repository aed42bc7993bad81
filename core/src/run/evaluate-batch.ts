import {
  AdvbenchError,
  type AttackInstance,
  type AttackReport,
  type AttackStepProgress,
  type AttackSurface,
  type Classifier,
  type RandomSource,
  type Tensor1D,
  type Tensor4D,
  type TensorFlow,
} from '../plugin-api/index.js';
import { judgeImages } from './judge-images.js';
import { projectToBall } from './projection.js';

/** One batch of one cell. */
export interface BatchEvaluation {
  /** The run's TensorFlow.js. */
  tf: TensorFlow;
  /** Clean images [n, h, w, c] in [0, 1] (not disposed). */
  x: Tensor4D;
  /** True labels, int32 (not disposed). */
  y: Tensor1D;
  /** Linf budget; 0 with no attack for a clean cell. */
  epsilon: number;
  /** The attack, absent for a clean cell. */
  attack?: AttackInstance;
  /** The surface attacked (required with an attack). */
  surface?: AttackSurface;
  /** The defense's real decision rule. */
  classifier: Classifier;
  /** Classes C the classifier must score. */
  classes: number;
  /** Name of the defense entry judged, for messages. */
  defense?: string;
  /** This batch's attack stream (the attack gets its fork `attack`). */
  rng: RandomSource;
  /**
   * The judge stream of these examples (default: the fork `judge` of `rng`). The runner derives it from the defense
   * and the examples' positions, not from the cell, so an example meets the same judge draws in every cell of its
   * defense (paired outcomes). Judge calls the attack makes during its run draw from its fork `attack-judge`.
   */
  judgeRng?: RandomSource;
  /** Draws a randomized classifier is judged over (default 1; a deterministic one is judged once). */
  judgeDraws?: number;
  /** Who the classifier is, for error messages. */
  owner?: string;
  /** Passed to the attack: aborts between its steps. */
  signal?: AbortSignal;
  /** Attack progress. */
  onStep?(progress: AttackStepProgress): void;
}

/** What one batch gave. */
export interface BatchOutcome {
  /**
   * Per example, in batch order, the fraction of judge draws that still classify the (attacked) example correctly:
   * 1 or 0 for a deterministic defense.
   */
  correct: Float64Array;
  /** Examples whose attack output the harness had to project back. */
  corrections: number;
  /** What the attack reported about this batch (cost, a composite's members), when it reported. */
  report?: AttackReport;
}

/**
 * The harness for one batch: runs the attack (if any, handing it a `judge` with the real decision rule), projects
 * its output into the epsilon-ball and [0, 1] whatever the attack did, and judges the result with the defense's
 * real `predict` over the paired judge draws ({@link judgeImages}). Never trusts the attack's own verdict. Leaves
 * no tensors behind.
 */
export async function evaluateBatch(input: BatchEvaluation): Promise<BatchOutcome> {
  const { tf, x, y } = input;
  const judgeRng = input.judgeRng ?? input.rng.fork('judge');
  const draws = input.judgeDraws ?? 1;
  const judge = (images: Tensor4D, rng: RandomSource) => judgeImages({ tf, images, y, classifier: input.classifier, classes: input.classes, rng, draws, owner: input.owner, defense: input.defense, attacked: input.attack !== undefined });
  let judged = x;
  let corrections = 0;
  let report: AttackReport | undefined;
  if (input.attack) {
    if (!input.surface) throw new Error('evaluateBatch: an attack needs a surface');
    const attackJudge = judgeRng.fork('attack-judge');
    let calls = 0;
    const candidate = await input.attack.run({
      surface: input.surface,
      x,
      y,
      epsilon: input.epsilon,
      rng: input.rng.fork('attack'),
      signal: input.signal,
      onStep: input.onStep,
      classifier: input.classifier,
      judge: async (candidates) => {
        if (!sameShape(candidates.shape, x.shape)) throw new AdvbenchError('ADVBENCH_ERR_ATTACK_OUTPUT', `judge: candidates of shape [${candidates.shape.join(', ')}] for inputs of shape [${x.shape.join(', ')}]`);
        const { projected } = await projectToBall(tf, candidates, x, input.epsilon);
        try {
          calls += 1;
          return Float32Array.from(await judge(projected, attackJudge.fork(`call-${calls}`)));
        } finally {
          projected.dispose();
        }
      },
      report: (attackReport) => (report = attackReport),
    });
    try {
      if (candidate === x) {
        judged = x;
      } else {
        if (!sameShape(candidate.shape, x.shape)) {
          throw new AdvbenchError('ADVBENCH_ERR_ATTACK_OUTPUT', `the attack returned images of shape [${candidate.shape.join(', ')}] for inputs of shape [${x.shape.join(', ')}]`);
        }
        const projection = await projectToBall(tf, candidate, x, input.epsilon);
        judged = projection.projected;
        corrections = projection.corrections;
      }
    } finally {
      if (candidate !== x) candidate.dispose();
    }
  }
  try {
    return { correct: await judge(judged, judgeRng), corrections, ...(report ? { report } : {}) };
  } finally {
    if (judged !== x) judged.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}
