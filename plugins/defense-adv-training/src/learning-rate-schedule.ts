/** Learning-rate schedules of adversarial training. */
export type ScheduleName = 'constant' | 'cyclic';

/**
 * The learning rate at `epoch` (0-based) plus `fractionOfEpoch` done, for `epochs` in all.
 * `constant`: `peak` throughout. `cyclic`: the one-cycle triangle of Wong et al. 2020 (linear from 0 up to `peak`
 * at 2/5 of training, then linear down to 0), which their fast adversarial training relies on to avoid
 * catastrophic overfitting.
 */
export function learningRateSchedule(name: ScheduleName, peak: number, epochs: number): (epoch: number, fractionOfEpoch: number) => number {
  if (name === 'constant') return () => peak;
  return (epoch, fractionOfEpoch) => {
    const progress = Math.min(1, Math.max(0, (epoch + fractionOfEpoch) / Math.max(1, epochs)));
    return progress < 0.4 ? (peak * progress) / 0.4 : (peak * (1 - progress)) / 0.6;
  };
}
