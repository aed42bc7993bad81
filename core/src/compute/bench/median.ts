/** Median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) {
    throw new Error('median of an empty list');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs `work` `warmup` times untimed, then `repeat` times timed, and returns the median wall time in ms (as the
 * PyTorch peer does). `work` may be asynchronous (a GPU read-back): each run is awaited before the next starts.
 */
export async function medianMilliseconds(work: () => void | Promise<void>, warmup: number, repeat: number): Promise<number> {
  for (let index = 0; index < warmup; index += 1) {
    await work();
  }
  const times: number[] = [];
  for (let index = 0; index < repeat; index += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}
