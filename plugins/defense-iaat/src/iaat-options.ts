import { OptionsReader, SCHEDULE_NAMES, type ScheduleName } from '@advbench/core/plugin-api';

/** Resolved options of the `iaat` defense (instance-adaptive adversarial training). */
export interface IaatOptions {
  /** Radius of the warm-up epochs, and the scale of the per-example radii (default 8/255, the paper's eps). */
  epsilon: number;
  /** Step of the per-example radius search, on the [0, 1] scale (default 1.9/255, the authors' CIFAR-10 setting). */
  gamma: number;
  /** Weight of the new radius in its exponential average with the previous one (default 0.1, the authors'). */
  beta: number;
  /** Epochs of plain PGD adversarial training at `epsilon` (on correctly classified examples) before radii adapt (default 1). */
  warmupEpochs: number;
  /** PGD steps of every attack (training examples and the radius search; default 10, the authors'). */
  steps: number;
  /** Smallest PGD step size; the step is `max(radius / (0.5 * steps), minimumStepSize)` (default 2/255). */
  minimumStepSize: number;
  /** Training epochs in all, warm-up included (default 2). */
  epochs: number;
  /** Batch size (default 128). */
  batchSize: number;
  /** SGD learning rate, the peak of `schedule` (default 0.05). */
  learningRate: number;
  /** Learning-rate schedule (default `cosine`). */
  schedule: ScheduleName;
  /** SGD momentum (default 0.9). */
  momentum: number;
  /** Weight decay (default 5e-4). */
  weightDecay: number;
  /** `base`: fine-tune a copy of the run's base model (default). `scratch`: train a fresh model. */
  init: 'base' | 'scratch';
}

/**
 * Validates raw `iaat` options and fills defaults; errors name the key. Defaults follow the authors' CIFAR-10
 * configuration (github.com/yogeshbalaji/Instance_Adaptive_Adversarial_Training, configs/train_adaptive.json):
 * eps 8/255, gamma 1.9/255, beta 0.1, PGD-10 with step `max(radius / (steps / 2), 2/255)`; their warm-up is 10 of
 * 110 epochs, here 1 epoch of the few a quick run trains.
 */
export function parseIaatOptions(raw: unknown, where = 'iaat options'): IaatOptions {
  const read = new OptionsReader(raw, where);
  const options: IaatOptions = {
    epsilon: read.number('epsilon', { default: 8 / 255, min: 0, max: 1 }),
    gamma: read.number('gamma', { default: 1.9 / 255, min: 0, max: 1 }),
    beta: read.number('beta', { default: 0.1, min: 0, max: 1 }),
    warmupEpochs: read.number('warmupEpochs', { default: 1, min: 0, integer: true }),
    steps: read.number('steps', { default: 10, min: 1, integer: true }),
    minimumStepSize: read.number('minimumStepSize', { default: 2 / 255, min: 0, max: 1 }),
    epochs: read.number('epochs', { default: 2, min: 0, integer: true }),
    batchSize: read.number('batchSize', { default: 128, min: 1, integer: true }),
    learningRate: read.number('learningRate', { default: 0.05, min: 0 }),
    schedule: read.oneOf('schedule', SCHEDULE_NAMES, 'cosine'),
    momentum: read.number('momentum', { default: 0.9, min: 0, max: 1 }),
    weightDecay: read.number('weightDecay', { default: 5e-4, min: 0 }),
    init: read.oneOf('init', ['base', 'scratch'] as const, 'base'),
  };
  read.done();
  return options;
}
