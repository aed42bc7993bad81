/** Learning-rate schedules the training recipes of defenses share. */
export type ScheduleName = 'constant' | 'cyclic' | 'cosine';

/** Every {@link ScheduleName}, for option readers (`read.oneOf('schedule', SCHEDULE_NAMES, ...)`). */
export const SCHEDULE_NAMES: readonly ScheduleName[] = Object.freeze(['constant', 'cyclic', 'cosine']);

/**
 * The learning rate at `epoch` (0-based) plus `fractionOfEpoch` done, for `epochs` in all; pass it as
 * `TrainOptions.learningRate`.
 * - `constant`: `peak` throughout.
 * - `cyclic`: the one-cycle triangle of Wong et al. 2020 (linear from 0 up to `peak` at 2/5 of training, then
 *   linear down to 0), which their fast adversarial training relies on to avoid catastrophic overfitting.
 * - `cosine`: `peak * (1 + cos(pi * progress)) / 2`, from `peak` down to 0 at the end of training (Loshchilov &
 *   Hutter's SGDR without restarts). Ending at a small rate matters for batch-norm networks: their moving
 *   statistics track weights that still move at a constant rate and lag them, which costs test accuracy.
 */
export function learningRateSchedule(name: ScheduleName, peak: number, epochs: number): (epoch: number, fractionOfEpoch: number) => number {
  if (name === 'constant') return () => peak;
  const progressAt = (epoch: number, fractionOfEpoch: number): number => Math.min(1, Math.max(0, (epoch + fractionOfEpoch) / Math.max(1, epochs)));
  if (name === 'cosine') return (epoch, fractionOfEpoch) => (peak * (1 + Math.cos(Math.PI * progressAt(epoch, fractionOfEpoch)))) / 2;
  return (epoch, fractionOfEpoch) => {
    const progress = progressAt(epoch, fractionOfEpoch);
    return progress < 0.4 ? (peak * progress) / 0.4 : (peak * (1 - progress)) / 0.6;
  };
}
