/** Median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) {
    throw new Error('median of an empty list');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `work` `warmup` times untimed, then `repeat` times timed, and returns the median wall time in ms (as the PyTorch peer does). */
export function medianMilliseconds(work: () => void, warmup: number, repeat: number): number {
  for (let index = 0; index < warmup; index += 1) {
    work();
  }
  const times: number[] = [];
  for (let index = 0; index < repeat; index += 1) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}
