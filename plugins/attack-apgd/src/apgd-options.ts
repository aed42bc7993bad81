import { DEFAULT_EOT_STACK_LIMIT, OptionsReader } from '@advbench/core/plugin-api';
import type { ApgdLoss } from './apgd-losses.js';

/** Resolved options of the APGD attack. */
export interface ApgdOptions {
  /** `ce` (default), `dlr` or `dlr-targeted`. */
  loss: ApgdLoss;
  /** Iterations per restart (and per target class with `dlr-targeted`), default 100. */
  iterations: number;
  /** Restarts from fresh random points (per target class with `dlr-targeted`), default 1. */
  restarts: number;
  /** `dlr-targeted`: how many of the clean top classes after the first are targets, default 9 (at most C - 1). */
  targets: number;
  /** EOT: gradient and loss averaged over this many draws of a randomized surface, default 1. */
  eotSamples: number;
  /**
   * Stack the EOT draws into one forward/backward pass of draws x batch examples (default false: one pass per draw;
   * stacking was not faster on the tiny MLP on wasm, 1.2x slower in one noisy measurement).
   */
  eotBatch: boolean;
  /**
   * With `eotBatch`, the most input values (rows x height x width x channels) one stacked pass may hold (default
   * 2^24): above it the draws are split into several stacked passes, at least one draw of the batch each.
   */
  eotStackLimit: number;
  /** Momentum of the update (the paper's alpha), default 0.75. */
  momentum: number;
  /** Condition 1 threshold rho: halve the step when fewer than rho of the steps since the last check improved, default 0.75. */
  rho: number;
  /** Initial step size as a multiple of epsilon, default 2. */
  initialStepFactor: number;
  /** Progress every this many iterations, default 10. */
  progressEvery: number;
}

/** Named option sets: `{ "preset": "dlr" }`. */
export const APGD_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** APGD-CE as in AutoAttack's standard version (100 iterations, 1 restart). */
  ce: { loss: 'ce', iterations: 100, restarts: 1 },
  /** APGD-DLR, untargeted. */
  dlr: { loss: 'dlr', iterations: 100, restarts: 1 },
  /** APGD-T as in AutoAttack: targeted DLR towards the 9 most likely other classes, 100 iterations each. */
  t: { loss: 'dlr-targeted', iterations: 100, restarts: 1, targets: 9 },
  /** For randomized defenses (AutoAttack's `rand`): CE with 20 EOT draws per gradient. */
  rand: { loss: 'ce', iterations: 100, restarts: 1, eotSamples: 20 },
});

/** Validates raw APGD options (after preset expansion) and fills defaults; errors name the key. */
export function parseApgdOptions(raw: unknown, where = 'apgd options'): ApgdOptions {
  const read = new OptionsReader(raw, where);
  const options: ApgdOptions = {
    loss: read.oneOf('loss', ['ce', 'dlr', 'dlr-targeted'] as const, 'ce'),
    iterations: read.number('iterations', { default: 100, min: 1, integer: true }),
    restarts: read.number('restarts', { default: 1, min: 1, integer: true }),
    targets: read.number('targets', { default: 9, min: 1, integer: true }),
    eotSamples: read.number('eotSamples', { default: 1, min: 1, integer: true }),
    eotBatch: read.boolean('eotBatch', false),
    eotStackLimit: read.number('eotStackLimit', { default: DEFAULT_EOT_STACK_LIMIT, min: 1, integer: true }),
    momentum: read.number('momentum', { default: 0.75, min: 0, max: 1 }),
    rho: read.number('rho', { default: 0.75, min: 0, max: 1 }),
    initialStepFactor: read.number('initialStepFactor', { default: 2, min: 1e-6 }),
    progressEvery: read.number('progressEvery', { default: 10, min: 1, integer: true }),
  };
  read.done();
  return options;
}
