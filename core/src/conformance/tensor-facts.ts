import type { Tensor, TensorFlow } from '../plugin-api/index.js';
import { CheckFailure } from './check-recorder.js';

/** Formats a shape as `[8, 28, 28, 1]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws a {@link CheckFailure} unless `value` is a live tfjs tensor of `shape`. */
export function expectTensorOfShape(value: unknown, shape: readonly number[], what: string): asserts value is Tensor {
  const tensor = value as Partial<Tensor> | undefined;
  if (!tensor || typeof tensor !== 'object' || !Array.isArray(tensor.shape) || typeof tensor.dataSync !== 'function') {
    throw new CheckFailure(`${what} must return a tensor of shape ${shapeText(shape)}, but returned ${describeValue(value)}`, `a tensor of shape ${shapeText(shape)}`, describeValue(value));
  }
  if (tensor.isDisposed) throw new CheckFailure(`${what} returned a tensor that is already disposed`, `a live tensor of shape ${shapeText(shape)}`, 'a disposed tensor');
  const same = tensor.shape.length === shape.length && tensor.shape.every((side, index) => side === shape[index]);
  if (!same) throw new CheckFailure(`${what} returned shape ${shapeText(tensor.shape)}, expected ${shapeText(shape)}`, `shape ${shapeText(shape)}`, `shape ${shapeText(tensor.shape)}`);
}

/** Values of a tensor as float32 (reads synchronously). */
export function valuesOf(tensor: Tensor): Float32Array {
  return Float32Array.from(tensor.dataSync() as ArrayLike<number>);
}

/** Index and value of the first non-finite entry, if any. */
export function firstNonFinite(values: ArrayLike<number>): { index: number; value: number } | undefined {
  for (let index = 0; index < values.length; index += 1) if (!Number.isFinite(values[index])) return { index, value: values[index] };
  return undefined;
}

/** Largest absolute difference between two equally long arrays. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let index = 0; index < a.length; index += 1) largest = Math.max(largest, Math.abs(a[index] - b[index]));
  return largest;
}

/** Per-row facts of a [rows, columns] matrix: sum, minimum, maximum, log-sum-exp and arg-max. */
export interface RowFacts {
  /** Sum of each row. */
  sums: number[];
  /** Smallest entry of each row. */
  minimums: number[];
  /** Largest entry of each row. */
  maximums: number[];
  /** log(sum(exp(row))) of each row (0 for log-probabilities). */
  logSumExps: number[];
  /** Column of each row's largest entry. */
  argMaxes: number[];
}

/** Computes {@link RowFacts} of row-major `values` with `columns` columns. */
export function rowFacts(values: ArrayLike<number>, columns: number): RowFacts {
  const facts: RowFacts = { sums: [], minimums: [], maximums: [], logSumExps: [], argMaxes: [] };
  for (let start = 0; start < values.length; start += columns) {
    let sum = 0;
    let minimum = Infinity;
    let maximum = -Infinity;
    let argMax = 0;
    for (let column = 0; column < columns; column += 1) {
      const value = values[start + column];
      sum += value;
      minimum = Math.min(minimum, value);
      if (value > maximum) {
        maximum = value;
        argMax = column;
      }
    }
    let exponentials = 0;
    for (let column = 0; column < columns; column += 1) exponentials += Math.exp(values[start + column] - maximum);
    facts.sums.push(sum);
    facts.minimums.push(minimum);
    facts.maximums.push(maximum);
    facts.logSumExps.push(maximum + Math.log(exponentials));
    facts.argMaxes.push(argMax);
  }
  return facts;
}

/** Tensors left allocated by `action` (run `repeats` times after one warm-up call). */
export async function tensorGrowth(tf: TensorFlow, repeats: number, action: () => Promise<void> | void): Promise<number> {
  await action();
  const before = tf.memory().numTensors;
  for (let repeat = 0; repeat < repeats; repeat += 1) await action();
  return tf.memory().numTensors - before;
}

/** Rejects when `promise` takes longer than `seconds`. */
export async function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`${what} did not finish within ${seconds} s on the test kit's tiny data`, `${what} to finish within ${seconds} s`, `still running after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of any value for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof (value as { then?: unknown } | undefined)?.then === 'function') return 'a Promise (it must be synchronous and return the tensor itself)';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${Object.keys(value).slice(0, 5).join(', ') || 'no keys'})`;
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

/** Rounds for messages: 4 significant digits. */
export function round(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}
