import { AdvbenchError, type Classifier, type RandomSource, type Tensor1D, type Tensor4D, type TensorFlow } from '../plugin-api/index.js';

/** Rows of `predict` may sum to 1 within this much. */
export const PROBABILITY_SUM_TOLERANCE = 1e-3;

/** One call of the defense's real decision rule on a batch. */
export interface JudgeInput {
  /** The run's TensorFlow.js. */
  tf: TensorFlow;
  /** Images to judge [n, h, w, c] (not disposed). */
  images: Tensor4D;
  /** True labels, int32 [n] (not disposed). */
  y: Tensor1D;
  /** The defense's decision rule. */
  classifier: Classifier;
  /** Classes C it must score. */
  classes: number;
  /** The judge stream: draw `r` uses `rng.fork('draw-r')`. */
  rng: RandomSource;
  /** Draws for a randomized classifier (a deterministic one is judged once whatever this says). */
  draws: number;
  /** Who the classifier is, for error messages (for example `defense 'inn' (plugin inn 1.0.0)`). */
  owner?: string;
  /** The defense entry's name, for the non-finite message. */
  defense?: string;
  /** True when the images are attacked ones (for messages). */
  attacked?: boolean;
}

/**
 * Judges images with the defense's real decision rule: per example, the fraction of `draws` independent draws
 * (fork `draw-r` of the judge stream) whose arg-max is the true label; exactly 0 or 1 for a deterministic
 * classifier, judged once. Every call checks that `predict` returned probabilities: shape [n, C], finite
 * (else `ADVBENCH_ERR_CLASSIFIER_NONFINITE`), non-negative, each row summing to 1 within
 * {@link PROBABILITY_SUM_TOLERANCE} (else `ADVBENCH_ERR_CLASSIFIER_OUTPUT`), naming the owner and the first offending row. Reads asynchronously (a
 * GPU backend never blocks); leaves no tensors behind.
 */
export async function judgeImages(input: JudgeInput): Promise<Float64Array> {
  const { tf, images, classes } = input;
  const count = images.shape[0];
  const draws = input.classifier.randomized ? Math.max(1, Math.floor(input.draws)) : 1;
  const labels = await input.y.data();
  const owner = input.owner ?? "the defense's classifier";
  const correct = new Float64Array(count);
  for (let draw = 0; draw < draws; draw += 1) {
    const probabilities = tf.tidy(() => input.classifier.predict(images, input.rng.fork(`draw-${draw}`)));
    let values: Float32Array;
    try {
      if (probabilities.shape.length !== 2 || probabilities.shape[0] !== count || probabilities.shape[1] !== classes) {
        throw new AdvbenchError('ADVBENCH_ERR_CLASSIFIER_OUTPUT', `${owner}: predict returned shape [${probabilities.shape.join(', ')}], expected [${count}, ${classes}]`);
      }
      values = (await probabilities.data()) as Float32Array;
    } finally {
      probabilities.dispose();
    }
    let nonFiniteRows = 0;
    for (let row = 0; row < count; row += 1) {
      for (let column = 0; column < classes; column += 1) {
        if (!Number.isFinite(values[row * classes + column])) {
          nonFiniteRows += 1;
          break;
        }
      }
    }
    if (nonFiniteRows > 0) {
      // argMax of NaN scores picks class 0 for every example: an accuracy that looks real but is not.
      throw new AdvbenchError(
        'ADVBENCH_ERR_CLASSIFIER_NONFINITE',
        `${input.owner ? `${input.owner}: ` : ''}the defense ${input.defense === undefined ? '' : `'${input.defense}' `}returned NaN or infinite scores for ${nonFiniteRows} of ${count} ${input.attacked ? 'attacked' : 'clean'} examples: its model's weights or outputs are not finite (a diverged training, a damaged checkpoint or cache entry?)`,
        { details: { defense: input.defense, nonFiniteRows } },
      );
    }
    for (let row = 0; row < count; row += 1) {
      let sum = 0;
      let best = 0;
      for (let column = 0; column < classes; column += 1) {
        const value = values[row * classes + column];
        if (value < 0) {
          throw new AdvbenchError('ADVBENCH_ERR_CLASSIFIER_OUTPUT', `${owner}: predict must return probabilities, but row ${row} holds ${value} (class ${column}); apply a softmax to logits`, {
            details: { row, column, value },
          });
        }
        sum += value;
        if (value > values[row * classes + best]) best = column;
      }
      if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
        throw new AdvbenchError('ADVBENCH_ERR_CLASSIFIER_OUTPUT', `${owner}: predict must return probabilities, but row ${row} sums to ${sum.toPrecision(6)}, not 1 (within ${PROBABILITY_SUM_TOLERANCE}); apply a softmax to logits`, {
          details: { row, sum },
        });
      }
      if (best === labels[row]) correct[row] += 1;
    }
  }
  if (draws > 1) for (let row = 0; row < count; row += 1) correct[row] /= draws;
  return correct;
}
