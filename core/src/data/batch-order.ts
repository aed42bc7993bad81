import { inputError } from '../plugin-api/index.js';

/**
 * Checks batch options and returns the positions to visit: `order` (validated against `count`) or 0..count-1.
 * A non-positive or fractional batch size, or a position outside [0, count), is an exit-2 error.
 */
export function resolveBatchOrder(count: number, batchSize: number, order: ArrayLike<number> | undefined): Int32Array {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `batch size must be a positive integer, got ${batchSize}`, { details: { batchSize } });
  }
  if (order === undefined) {
    const all = new Int32Array(count);
    for (let position = 0; position < count; position += 1) all[position] = position;
    return all;
  }
  const positions = Int32Array.from(order);
  for (let index = 0; index < positions.length; index += 1) {
    const position = positions[index];
    if (position < 0 || position >= count || position !== order[index]) {
      throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `batch order entry ${index} is ${order[index]}, outside the split's positions 0..${count - 1}`, { details: { index } });
    }
  }
  return positions;
}
