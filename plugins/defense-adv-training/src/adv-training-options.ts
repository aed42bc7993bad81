import { OptionsReader, inputError } from '@advbench/core/plugin-api';
import { SCHEDULE_NAMES, type ScheduleName } from '@advbench/core/plugin-api';

/** Resolved options of the `adv-training` defense. */
export interface AdvTrainingOptions {
  /** `fast`: FGSM from a uniform random start, step 1.25 * eps (Wong et al. 2020). `pgd`: PGD-k (Madry et al. 2018). */
  mode: 'fast' | 'pgd';
  /** Training Linf budget on the [0, 1] scale (default 8/255). */
  epsilon: number;
  /** Attack steps per batch: 1 in `fast` mode, default 7 in `pgd` mode. */
  steps: number;
  /** Attack step size as a multiple of `epsilon / steps`: default 1.25 in `fast` mode, 2.5 in `pgd` mode. */
  stepSizeFactor: number;
  /** Start the attack from a uniform random point of the eps-ball (default true; both papers do). */
  randomStart: boolean;
  /** Training epochs (default 2). */
  epochs: number;
  /** Batch size (default 128). */
  batchSize: number;
  /** SGD learning rate (default 0.05): the constant rate, or the peak of the cyclic or cosine schedule. */
  learningRate: number;
  /** `constant` (default), `cyclic` (Wong et al.'s one-cycle triangle, peak `learningRate` at 2/5 of training) or `cosine` (from `learningRate` down to 0). */
  schedule: ScheduleName;
  /** SGD momentum (default 0.9). */
  momentum: number;
  /** Weight decay (default 5e-4). */
  weightDecay: number;
  /** `base`: fine-tune a copy of the run's base model (default). `scratch`: train a fresh model. */
  init: 'base' | 'scratch';
}

/** Named option sets: `{ "preset": "madry" }`. */
export const ADV_TRAINING_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** PGD-7 adversarial training at 8/255 with step 2.5 * eps / 7 (Madry et al.). */
  madry: { mode: 'pgd', steps: 7, stepSizeFactor: 2.5, epsilon: 8 / 255 },
  /** Fast FGSM adversarial training at 8/255, step 1.25 * eps, random start, cyclic learning rate (Wong et al.). */
  fast: { mode: 'fast', epsilon: 8 / 255, schedule: 'cyclic', learningRate: 0.2 },
});

/** Validates raw `adv-training` options (after preset expansion) and fills the mode's defaults; errors name the key. */
export function parseAdvTrainingOptions(raw: unknown, where = 'adv-training options'): AdvTrainingOptions {
  const read = new OptionsReader(raw, where);
  const mode = read.oneOf('mode', ['fast', 'pgd'] as const, 'fast');
  const options: AdvTrainingOptions = {
    mode,
    epsilon: read.number('epsilon', { default: 8 / 255, min: 0, max: 1 }),
    steps: read.number('steps', { default: mode === 'fast' ? 1 : 7, min: 1, integer: true }),
    stepSizeFactor: read.number('stepSizeFactor', { default: mode === 'fast' ? 1.25 : 2.5, min: 0 }),
    randomStart: read.boolean('randomStart', true),
    epochs: read.number('epochs', { default: 2, min: 0, integer: true }),
    batchSize: read.number('batchSize', { default: 128, min: 1, integer: true }),
    learningRate: read.number('learningRate', { default: 0.05, min: 0 }),
    schedule: read.oneOf('schedule', SCHEDULE_NAMES, 'constant'),
    momentum: read.number('momentum', { default: 0.9, min: 0, max: 1 }),
    weightDecay: read.number('weightDecay', { default: 5e-4, min: 0 }),
    init: read.oneOf('init', ['base', 'scratch'] as const, 'base'),
  };
  read.done();
  if (mode === 'fast' && options.steps !== 1) {
    throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${where}.steps must be 1 in mode "fast" (one FGSM step); use mode "pgd" for ${options.steps} steps`, { details: { path: `${where}.steps` } });
  }
  return options;
}

/** The raw options of the `pgd` attack plugin that make this defense's training examples. */
export function attackOptionsFor(options: AdvTrainingOptions): Record<string, unknown> {
  // keep 'last': plain PGD/FGSM as in the papers, exactly `steps` gradient passes per example (honest cost).
  return { steps: options.steps, stepSizeFactor: options.stepSizeFactor, randomStart: options.randomStart, restarts: 1, eotSamples: 1, keep: 'last', progressEvery: options.steps };
}
