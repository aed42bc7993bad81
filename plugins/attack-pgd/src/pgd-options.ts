import { DEFAULT_EOT_STACK_LIMIT, OptionsReader, inputError } from '@advbench/core/plugin-api';

/** Resolved options of the PGD attack. */
export interface PgdOptions {
  /** Gradient steps per restart (default 10). */
  steps: number;
  /** Absolute step size on the [0, 1] scale; when absent the step is `stepSizeFactor * epsilon / steps`. */
  stepSize?: number;
  /** Step size as a multiple of `epsilon / steps` (default 2.5, the convention of Madry et al.). */
  stepSizeFactor: number;
  /** Start from a uniform random point of the eps-ball instead of the clean image (default true). */
  randomStart: boolean;
  /** Independent runs; per example the most damaging iterate of all of them is kept (default 1). */
  restarts: number;
  /** EOT: gradients averaged over this many draws of a randomized surface (default 1; ignored on deterministic ones). */
  eotSamples: number;
  /**
   * EOT draws in one forward/backward pass over `eotSamples` stacked copies of the batch (default true), rather
   * than one pass per draw: the same expectation, faster where the backend gains from larger batches.
   */
  eotStacked: boolean;
  /**
   * Most input values (rows x height x width x channels) one stacked EOT pass may hold (default 2^24, 64 MiB of
   * float32 input): above it the draws are split into several stacked passes, so a large batch of large images
   * times many draws does not exhaust the backend's memory. At least one draw of the batch per pass.
   */
  eotStackLimit: number;
  /**
   * On a surface that is not exact, how many iterates per restart the harness's judge scores (evenly spaced, the
   * last one always among them; default 4): the best of them is kept. Each costs one judged forward pass per judge draw.
   */
  judgeCheckpoints: number;
  /** Report progress every this many steps (default 10). */
  progressEvery: number;
  /**
   * `best` (default): per example the most damaging iterate over steps and restarts. On an exact surface (the
   * decision rule itself) the first iterate the surface misclassifies, stopping early once all are; on any other
   * surface the iterate the harness's judge scores lowest among `judgeCheckpoints` per restart, or the last iterate
   * when no judge is given. `last`: the final iterate, exactly `steps` gradient passes, one restart (what
   * adversarial training uses).
   */
  keep: 'best' | 'last';
}

/** Named option sets: `{ "preset": "paper" }`. */
export const PGD_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** PGD-500 with step 2.5 * eps / steps and a random start, as the INN paper's strongest evaluation. */
  paper: { steps: 500, stepSizeFactor: 2.5, randomStart: true, restarts: 1 },
  /** FGSM (Goodfellow et al.): one step of size eps from the clean image. */
  fgsm: { steps: 1, stepSizeFactor: 1, randomStart: false, restarts: 1 },
});

/** Validates raw PGD options (after preset expansion) and fills defaults; errors name the key. */
export function parsePgdOptions(raw: unknown, where = 'pgd options'): PgdOptions {
  const read = new OptionsReader(raw, where);
  const steps = read.number('steps', { default: 10, min: 1, integer: true });
  const stepSize = read.has('stepSize') ? read.number('stepSize', { min: 0 }) : (read.raw('stepSize'), undefined);
  const stepSizeFactor = read.number('stepSizeFactor', { default: 2.5, min: 0 });
  const randomStart = read.boolean('randomStart', true);
  const restarts = read.number('restarts', { default: 1, min: 1, integer: true });
  const eotSamples = read.number('eotSamples', { default: 1, min: 1, integer: true });
  const eotStacked = read.boolean('eotStacked', true);
  const eotStackLimit = read.number('eotStackLimit', { default: DEFAULT_EOT_STACK_LIMIT, min: 1, integer: true });
  const judgeCheckpoints = read.number('judgeCheckpoints', { default: 2, min: 1, integer: true });
  const progressEvery = read.number('progressEvery', { default: 10, min: 1, integer: true });
  const keep = read.oneOf('keep', ['best', 'last'] as const, 'best');
  read.done();
  if (keep === 'last' && restarts > 1) {
    throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${where}.restarts must be 1 with keep "last" (only "best" chooses among restarts), got ${restarts}`, { details: { path: `${where}.restarts` } });
  }
  if (stepSize === 0 || (stepSize === undefined && stepSizeFactor === 0)) {
    throw inputError('ADVBENCH_ERR_OPTIONS_RANGE', `${where}: the step size is 0, so the attack would never move; set stepSize or stepSizeFactor above 0`, {
      details: { path: `${where}.${stepSize === undefined ? 'stepSizeFactor' : 'stepSize'}` },
    });
  }
  return { steps, ...(stepSize === undefined ? {} : { stepSize }), stepSizeFactor, randomStart, restarts, eotSamples, eotStacked, eotStackLimit, judgeCheckpoints, progressEvery, keep };
}

/** The absolute step size the attack takes at `epsilon`. */
export function resolveStepSize(options: PgdOptions, epsilon: number): number {
  return options.stepSize ?? (options.stepSizeFactor * epsilon) / options.steps;
}
