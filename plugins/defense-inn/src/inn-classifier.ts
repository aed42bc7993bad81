import type { AttackSurface, Classifier, LayersModel, RandomSource, Tensor2D, Tensor4D, TensorFlow } from '@advbench/core/plugin-api';
import { combineVotes, slotLogProbabilities, slotProbabilities } from './decision-rule.js';
import type { InnOptions } from './inn-options.js';
import { innTransform } from './inn-transform.js';

/** What the INN decision rule and surfaces are built from. Nothing here is disposed by the builders. */
export interface InnEnsemble {
  /** The TensorFlow.js API. */
  tf: TensorFlow;
  /** One trained model per kept epoch, in epoch order; each outputs C*K slot logits. */
  checkpoints: LayersModel[];
  /** The K backgrounds, [K, h, w, c]. */
  backgrounds: Tensor4D;
  /** The task's C classes. */
  classes: number;
  /** Resolved options (alpha, beta, gamma, testNoise, mapping, vote, draws, attackCheckpoint). */
  options: InnOptions;
}

/** The checkpoints that vote: the last `votingCheckpoints` of them. */
function votingMembers(ensemble: InnEnsemble): LayersModel[] {
  return ensemble.checkpoints.slice(ensemble.checkpoints.length - Math.min(ensemble.options.votingCheckpoints, ensemble.checkpoints.length));
}

/** Slot logits of one checkpoint (inference mode: batch norm uses its moving statistics). */
function slotLogits(model: LayersModel, x: Tensor4D): Tensor2D {
  return model.apply(x, { training: false }) as Tensor2D;
}

/** The test-time transform: background always, white and salt-and-pepper noise when `testNoise`. */
function testTransform(ensemble: InnEnsemble, x: Tensor4D, rng: RandomSource): Tensor4D {
  const { alpha, beta, gamma, testNoise, squash } = ensemble.options;
  return innTransform(ensemble.tf, x, { alpha, beta, gamma, noise: testNoise, squash }, ensemble.backgrounds, rng).x;
}

/**
 * The INN decision rule as a {@link Classifier}: for each of R draws, one random background (and noise, unless
 * `testNoise` is false) per image; each of the last `votingCheckpoints` checkpoints predicts on that draw; slot
 * outputs are mapped to C classes (`sum` or `argmax-mod`); the checkpoints x draws predictions are combined by a
 * soft or hard vote.
 */
export function createInnClassifier(ensemble: InnEnsemble): Classifier {
  const { tf, classes, options } = ensemble;
  const checkpoints = votingMembers(ensemble);
  return {
    randomized: true,
    predict(x: Tensor4D, rng: RandomSource): Tensor2D {
      return tf.tidy(() => {
        const members: Tensor2D[] = [];
        for (let draw = 0; draw < options.draws; draw += 1) {
          const transformed = testTransform(ensemble, x, rng);
          for (const model of checkpoints) members.push(slotProbabilities(tf, slotLogits(model, transformed), classes, options.mapping));
        }
        return combineVotes(tf, members, options.vote);
      });
    },
  };
}

/**
 * The INN attack surfaces, all returning log-probabilities over the C classes (log of the summed slot softmax):
 * `inn1` through the test-time transform with the attack checkpoint, `inn2` on the plain image with that checkpoint,
 * `full` the soft decision rule with the summed mapping (log of the mean over the voting checkpoints, one random draw
 * per call) for EOT: the differentiable surrogate also when the real rule is `argmax-mod` or a hard vote.
 */
export function createInnSurfaces(ensemble: InnEnsemble): AttackSurface[] {
  const { tf, classes, options } = ensemble;
  const attacked = ensemble.checkpoints[options.attackCheckpoint - 1];
  if (attacked === undefined) throw new RangeError(`attack checkpoint ${options.attackCheckpoint} is not among the ${ensemble.checkpoints.length} checkpoints`);
  const checkpoints = votingMembers(ensemble);
  const noise = options.testNoise ? ' + white and salt-and-pepper noise' : '';
  return [
    {
      name: 'inn1',
      description: `checkpoint of epoch ${options.attackCheckpoint}, gradient through a random background${noise}`,
      output: 'log-probabilities',
      randomized: true,
      exact: false,
      forward: (x, rng) => tf.tidy(() => slotLogProbabilities(tf, slotLogits(attacked, testTransform(ensemble, x, rng)), classes)),
    },
    {
      name: 'inn2',
      description: `checkpoint of epoch ${options.attackCheckpoint} on the plain image (no background, no noise)`,
      output: 'log-probabilities',
      randomized: false,
      // A surrogate: one checkpoint on the plain image is not the randomized vote the defense decides by.
      exact: false,
      forward: (x) => tf.tidy(() => slotLogProbabilities(tf, slotLogits(attacked, x), classes)),
    },
    {
      name: 'full',
      description: `soft vote of the ${checkpoints.length} voting checkpoints through a random background${noise} (adaptive, EOT-ready)`,
      output: 'log-probabilities',
      randomized: true,
      exact: false,
      forward: (x, rng) =>
        tf.tidy(() => {
          const transformed = testTransform(ensemble, x, rng);
          const logProbabilities = checkpoints.map((model) => slotLogProbabilities(tf, slotLogits(model, transformed), classes));
          const stacked = tf.stack(logProbabilities, 0);
          return tf.sub(tf.logSumExp(stacked, 0), Math.log(checkpoints.length)) as Tensor2D;
        }),
    },
  ];
}
