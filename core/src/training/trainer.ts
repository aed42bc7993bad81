import { createTrainStep, type TrainStep } from '../compute/train-step.js';
import type {
  DatasetAccess,
  LabelledBatch,
  Logger,
  ProgressSink,
  TensorFlow,
  TrainingAccess,
  TrainOptions,
  TrainResult,
} from '../plugin-api/index.js';
import { diagnoseDivergence } from './divergence-diagnosis.js';
import { AdvbenchError, inputError } from '../plugin-api/index.js';

/** Code of the error thrown when training stops because the run's signal was aborted. */
export const ABORTED = 'ADVBENCH_ERR_ABORTED';
/** Code of the error thrown when the training loss stops being a finite number. */
export const TRAINING_DIVERGED = 'ADVBENCH_ERR_TRAINING_DIVERGED';

/** What {@link createTrainer} needs from the run. */
export interface TrainerDependencies {
  /** The run's TensorFlow.js instance. */
  tf: TensorFlow;
  /** The run's training data. */
  dataset: DatasetAccess;
  /** Where `train-progress` goes (the runner throttles it). */
  progress: ProgressSink;
  /** Aborted on Ctrl-C: training stops after the current batch. */
  signal: AbortSignal;
  /** Where a summary of each epoch is logged. */
  logger: Logger;
}

/** Default momentum of {@link TrainOptions.momentum}. */
export const DEFAULT_MOMENTUM = 0.9;
/** Default weight decay of {@link TrainOptions.weightDecay}. */
export const DEFAULT_WEIGHT_DECAY = 5e-4;

/**
 * The shared SGD training loop every defense uses (the plugin API's {@link TrainingAccess}).
 *
 * Each epoch walks `dataset.trainBatches`, lets `transformBatch` replace the batch (adversarial examples, INN's
 * noise...), and runs one SGD-with-momentum step (PyTorch semantics, `compute/train-step.ts`). It reports progress
 * every step, counts the cost (seconds, examples, forward and backward passes including the transform's extra
 * ones), disposes every batch tensor, and stops after the current batch with an `ADVBENCH_ERR_ABORTED` error when
 * the run's signal is aborted.
 */
export function createTrainer(dependencies: TrainerDependencies): TrainingAccess {
  return { train: (options) => train(dependencies, options) };
}

function checkOptions(options: TrainOptions): void {
  const where = `training options (${options.phase})`;
  if (!Number.isInteger(options.epochs) || options.epochs < 0) {
    throw inputError('ADVBENCH_ERR_TRAIN_OPTIONS', `${where}: epochs must be a non-negative integer, got ${options.epochs}`, { details: { key: 'epochs' } });
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw inputError('ADVBENCH_ERR_TRAIN_OPTIONS', `${where}: batchSize must be a positive integer, got ${options.batchSize}`, { details: { key: 'batchSize' } });
  }
  if (typeof options.learningRate === 'number' && !(options.learningRate >= 0 && Number.isFinite(options.learningRate))) {
    throw inputError('ADVBENCH_ERR_TRAIN_OPTIONS', `${where}: learningRate must be a finite number >= 0, got ${options.learningRate}`, { details: { key: 'learningRate' } });
  }
  for (const key of ['momentum', 'weightDecay'] as const) {
    const value = options[key];
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw inputError('ADVBENCH_ERR_TRAIN_OPTIONS', `${where}: ${key} must be a finite number >= 0, got ${value}`, { details: { key } });
    }
  }
}

function learningRateAt(options: TrainOptions, epoch: number, fractionOfEpoch: number): number {
  const rate = typeof options.learningRate === 'number' ? options.learningRate : options.learningRate(epoch, fractionOfEpoch);
  if (!(rate >= 0 && Number.isFinite(rate))) {
    throw inputError('ADVBENCH_ERR_TRAIN_OPTIONS', `training options (${options.phase}): the learning-rate schedule gave ${rate} at epoch ${epoch}, fraction ${fractionOfEpoch}`, { details: { key: 'learningRate' } });
  }
  return rate;
}

function throwIfAborted(signal: AbortSignal, phase: string, epoch: number, step: number): void {
  if (signal.aborted) {
    throw new AdvbenchError(ABORTED, `training (${phase}) aborted at epoch ${epoch + 1}, step ${step}`, { cause: signal.reason, details: { phase, epoch: epoch + 1, step } });
  }
}

async function train(dependencies: TrainerDependencies, options: TrainOptions): Promise<TrainResult> {
  checkOptions(options);
  const { tf, dataset, progress, signal, logger } = dependencies;
  const started = performance.now();
  const stepsPerEpoch = Math.max(1, Math.ceil(dataset.info.trainCount / options.batchSize));
  const totalSteps = stepsPerEpoch * options.epochs;
  const epochLosses: number[] = [];
  let examples = 0;
  let forwardPasses = 0;
  let backwardPasses = 0;
  let stepsDone = 0;
  let lastFiniteLoss: number | undefined;

  throwIfAborted(signal, options.phase, 0, 0);
  const trainStep: TrainStep = createTrainStep(tf, options.model, {
    learningRate: learningRateAt(options, 0, 0),
    momentum: options.momentum ?? DEFAULT_MOMENTUM,
    weightDecay: options.weightDecay ?? DEFAULT_WEIGHT_DECAY,
  });
  try {
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      const epochStarted = performance.now();
      let epochExamples = 0;
      let epochLossSum = 0;
      let step = 0;
      for await (const batch of dataset.trainBatches({ batchSize: options.batchSize, rng: options.rng })) {
        step += 1;
        let used: LabelledBatch = batch;
        try {
          trainStep.setLearningRate(learningRateAt(options, epoch, (step - 1) / stepsPerEpoch));
          if (options.transformBatch) {
            const transformed = await options.transformBatch(batch, { epoch, step });
            used = transformed;
            forwardPasses += transformed.extraForwardPasses ?? 0;
            backwardPasses += transformed.extraBackwardPasses ?? 0;
          }
          const size = used.x.shape[0];
          const loss = await trainStep.run(used.x, used.y);
          if (!Number.isFinite(loss)) {
            const causes = diagnoseDivergence({ tf, model: options.model, x: used.x, learningRate: learningRateAt(options, epoch, (step - 1) / stepsPerEpoch), lastFiniteLoss, transformed: used !== batch });
            throw new AdvbenchError(TRAINING_DIVERGED, `training (${options.phase}) diverged: the training loss became ${loss} at epoch ${epoch + 1}, step ${step}. Likely causes: ${causes}`, {
              details: { phase: options.phase, epoch: epoch + 1, step },
            });
          }
          lastFiniteLoss = loss;
          examples += size;
          forwardPasses += size;
          backwardPasses += size;
          epochExamples += size;
          epochLossSum += loss * size;
          stepsDone += 1;
          const epochSeconds = (performance.now() - epochStarted) / 1000;
          const secondsPerStep = epochSeconds / step;
          progress.train({
            phase: options.phase,
            epoch: epoch + 1,
            epochs: options.epochs,
            step,
            steps: stepsPerEpoch,
            loss,
            examplesPerSecond: epochSeconds > 0 ? epochExamples / epochSeconds : 0,
            etaSeconds: Math.max(0, totalSteps - stepsDone) * secondsPerStep,
          });
        } finally {
          // The trainer owns the original batch and whatever the transform returned (possibly the same tensors).
          tf.dispose([batch.x, batch.y, used.x, used.y]);
        }
        throwIfAborted(signal, options.phase, epoch, step);
      }
      const epochLoss = epochExamples > 0 ? epochLossSum / epochExamples : Number.NaN;
      epochLosses.push(epochLoss);
      logger.debug(`${options.phase}: epoch ${epoch + 1}/${options.epochs} done`, {
        loss: epochLoss,
        examples: epochExamples,
        seconds: (performance.now() - epochStarted) / 1000,
      });
      await options.onEpochEnd?.(epoch);
    }
  } finally {
    trainStep.dispose();
  }
  return {
    cost: { seconds: (performance.now() - started) / 1000, examples, forwardPasses, backwardPasses, cached: false },
    epochLosses,
  };
}
