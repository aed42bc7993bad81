import type { RandomSource } from '../plugin-api/index.js';

/**
 * Chooses `size` positions of a split, stratified by class: each class gets its proportional share
 * (`size * classCount / total`, rounded down), and the remaining places go to the classes with the largest
 * fractional shares (ties broken by a seeded shuffle). Within a class the members are a seeded random choice.
 * The result is sorted ascending, so it is the same for the same (labels, size, rng seed) in any process.
 *
 * @param labels - class index of every position
 * @param size - positions to choose, 0..labels.length
 * @param rng - a fresh random source (its seed alone decides the choice)
 */
export function stratifiedSubset(labels: ArrayLike<number>, size: number, rng: RandomSource): Int32Array {
  const total = labels.length;
  if (!Number.isInteger(size) || size < 0 || size > total) throw new RangeError(`subset size ${size} is outside 0..${total}`);
  const members = new Map<number, number[]>();
  for (let position = 0; position < total; position += 1) {
    const label = labels[position];
    let list = members.get(label);
    if (list === undefined) members.set(label, (list = []));
    list.push(position);
  }
  const classes = [...members.keys()].sort((a, b) => a - b);
  const quotas = new Map<number, number>();
  let assigned = 0;
  for (const label of classes) {
    const quota = Math.floor((size * members.get(label)!.length) / total);
    quotas.set(label, quota);
    assigned += quota;
  }
  const fraction = (label: number) => (size * members.get(label)!.length) / total - quotas.get(label)!;
  const remainderOrder = rng.fork('remainder').shuffle([...classes]).sort((a, b) => fraction(b) - fraction(a));
  for (const label of remainderOrder.slice(0, size - assigned)) quotas.set(label, quotas.get(label)! + 1);
  const chosen: number[] = [];
  for (const label of classes) {
    const list = rng.fork(`class ${label}`).shuffle([...members.get(label)!]);
    chosen.push(...list.slice(0, quotas.get(label)));
  }
  return Int32Array.from(chosen).sort();
}
