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
  /** This batch's random stream (forked into attack and judge streams). */
  rng: RandomSource;
  /** Passed to the attack: aborts between its steps. */
  signal?: AbortSignal;
  /** Attack progress. */
  onStep?(progress: AttackStepProgress): void;
}

/** What one batch gave. */
export interface BatchOutcome {
  /** 1 where the defense still classifies the (attacked) example correctly, in batch order. */
  correct: Uint8Array;
  /** Examples whose attack output the harness had to project back. */
  corrections: number;
  /** What the attack reported about this batch (cost, a composite's members), when it reported. */
  report?: AttackReport;
}

/**
 * The harness for one batch: runs the attack (if any), projects its output into the epsilon-ball and [0, 1]
 * whatever the attack did, and judges the result with the defense's real `predict` using fresh randomness from
 * the batch's stream. Never trusts the attack's own verdict. Leaves no tensors behind.
 */
export async function evaluateBatch(input: BatchEvaluation): Promise<BatchOutcome> {
  const { tf, x, y } = input;
  let judged = x;
  let corrections = 0;
  let report: AttackReport | undefined;
  if (input.attack) {
    if (!input.surface) throw new Error('evaluateBatch: an attack needs a surface');
    const candidate = await input.attack.run({
      surface: input.surface,
      x,
      y,
      epsilon: input.epsilon,
      rng: input.rng.fork('attack'),
      signal: input.signal,
      onStep: input.onStep,
      classifier: input.classifier,
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
    const correctTensor = tf.tidy(() => {
      const probabilities = input.classifier.predict(judged, input.rng.fork('judge'));
      if (probabilities.shape.length !== 2 || probabilities.shape[0] !== x.shape[0] || probabilities.shape[1] !== input.classes) {
        throw new AdvbenchError('ADVBENCH_ERR_CLASSIFIER_OUTPUT', `the defense's predict returned shape [${probabilities.shape.join(', ')}], expected [${x.shape[0]}, ${input.classes}]`);
      }
      const finite = tf.all(tf.isFinite(probabilities), 1);
      return [tf.cast(tf.equal(tf.argMax(probabilities, 1), tf.cast(y, 'int32')), 'int32'), tf.sum(tf.cast(tf.logicalNot(finite), 'int32'))];
    });
    const [correct, nonFinite] = correctTensor;
    let values: Int32Array;
    let nonFiniteRows: number;
    try {
      values = (await correct.data()) as Int32Array;
      nonFiniteRows = (await nonFinite.data())[0];
    } finally {
      tf.dispose(correctTensor);
    }
    if (nonFiniteRows > 0) {
      // argMax of NaN scores picks class 0 for every example: an accuracy that looks real but is not.
      throw new AdvbenchError(
        'ADVBENCH_ERR_CLASSIFIER_NONFINITE',
        `the defense ${input.defense === undefined ? '' : `'${input.defense}' `}returned NaN or infinite scores for ${nonFiniteRows} of ${x.shape[0]} ${input.attack ? 'attacked' : 'clean'} examples: its model's weights or outputs are not finite (a diverged training, a damaged checkpoint or cache entry?)`,
        { details: { defense: input.defense, nonFiniteRows } },
      );
    }
    return { correct: Uint8Array.from(values), corrections, ...(report ? { report } : {}) };
  } finally {
    if (judged !== x) judged.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}
