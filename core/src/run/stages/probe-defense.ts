import type { DefenseProbes } from '../../analysis/analysis-types.js';
import { checkSubset } from '../../analysis/extra-cells.js';
import type { AttackSurface, Classifier, RandomSource, Tensor, Tensor1D, Tensor4D, TensorFlow } from '../../plugin-api/index.js';
import { createRandom, hashString } from '../../random/seeded-random.js';
import { defenseEntry, messageOf, type RunScope } from './run-scope.js';

/** Predictions per input of the randomness probe. */
export const RANDOMNESS_DRAWS = 5;

/** Outputs differing by more than this between two calls count as different (float noise stays far below). */
const OUTPUT_TOLERANCE = 1e-4;

/** Row sums of predict must be 1 within this. */
const PROBABILITY_TOLERANCE = 1e-3;

/** What the probes counted so far, batch by batch. */
export interface ProbeTally {
  differing: number;
  classChanges: number;
  undeclared: Set<string>;
  zero: Map<string, number>;
  rows: number;
  bad: number;
  problem?: string;
}

/**
 * Measures what the probe-based evaluation checks read, on the prepared defense and the checks' subset of test
 * examples (at most 200, see {@link checkSubset}), batch by batch: `predict` {@link RANDOMNESS_DRAWS} times with
 * different random streams (`randomized-undeclared`) and whether its rows are probabilities (`probability-output`);
 * each attacked surface's forward twice (a surface that declares itself deterministic must repeat itself); and the
 * cross-entropy gradient w.r.t. the clean input on each attacked surface, counting the examples where it is exactly
 * zero (`zero-gradient`). Deterministic (seeded by the run's seed and the entry name), tidy, writes nothing.
 * A plugin that throws gives probes with `error` set instead of failing the run.
 */
export async function probeDefense(scope: RunScope, name: string, attackedSurfaces: readonly string[]): Promise<DefenseProbes> {
  const entry = defenseEntry(scope, name);
  const instance = entry.instance;
  if (!instance || !entry.prepared) throw new Error(`${name}: probeDefense before prepareDefense`);
  const { tf } = scope;
  const examples = checkSubset(scope.dataset.info.testCount);
  const random = createRandom(hashString(`${scope.spec.seed}|probes|${name}`));
  const tally = newProbeTally();
  try {
    const surfaces = instance.surfaces().filter((surface) => attackedSurfaces.includes(surface.name));
    let batchIndex = 0;
    for await (const batch of scope.dataset.test.batches({ batchSize: scope.spec.evalBatchSize, order: examples })) {
      const [height, width, channels] = batch.shape;
      const x = tf.tensor4d(batch.images, [batch.count, height, width, channels], 'float32');
      const y = tf.tensor1d(batch.labels, 'int32');
      try {
        await probeBatch(tf, { classifier: instance.classifier, surfaces, x, y, classes: scope.dataset.info.classes, rng: random.fork(`batch-${batchIndex}`) }, tally);
      } finally {
        tf.dispose([x, y]);
      }
      batchIndex += 1;
    }
    return probesOf(tally, examples.length, instance.classifier.randomized, surfaces);
  } catch (error) {
    return { examples: examples.length, error: messageOf(error) };
  }
}

/** An empty {@link ProbeTally}. */
export function newProbeTally(): ProbeTally {
  return { differing: 0, classChanges: 0, undeclared: new Set(), zero: new Map(), rows: 0, bad: 0 };
}

/**
 * Probes one batch (the caller owns `x` and `y`): the predictions, each surface's repeat and its zero-gradient
 * count, added to `tally`. Leaves no tensor behind.
 */
export async function probeBatch(tf: TensorFlow, input: { classifier: Classifier; surfaces: readonly AttackSurface[]; x: Tensor4D; y: Tensor1D; classes: number; rng: RandomSource }, tally: ProbeTally): Promise<void> {
  const { x, y, rng } = input;
  await probePredictions(tf, input.classifier, x, rng.fork('predict'), tally);
  for (const surface of input.surfaces) {
    await probeSurfaceRepeat(tf, surface, x, rng.fork(`repeat:${surface.name}`), tally);
    tally.zero.set(surface.name, (tally.zero.get(surface.name) ?? 0) + (await zeroGradientCount(tf, surface, x, y, input.classes, rng.fork(`gradient:${surface.name}`))));
  }
}

/** The stored probes from a finished tally over `examples` examples. */
export function probesOf(tally: ProbeTally, examples: number, declared: boolean, surfaces: readonly AttackSurface[]): DefenseProbes {
  return {
    examples,
    randomness: { draws: RANDOMNESS_DRAWS, declared, differing: tally.differing, classChanges: tally.classChanges, undeclaredSurfaces: [...tally.undeclared] },
    zeroGradient: surfaces.map((surface) => ({ surface: surface.name, examples, zero: tally.zero.get(surface.name) ?? 0 })),
    probabilityOutput: { rows: tally.rows, bad: tally.bad, ...(tally.problem ? { problem: tally.problem } : {}) },
  };
}

/** Predicts the batch several times; counts examples whose rows differ, whose class changes, and rows that are not probabilities. */
async function probePredictions(tf: TensorFlow, classifier: Classifier, x: Tensor4D, rng: RandomSource, tally: ProbeTally): Promise<void> {
  const draws: Float32Array[] = [];
  let classes = 0;
  for (let draw = 0; draw < RANDOMNESS_DRAWS; draw += 1) {
    const output = tf.tidy(() => classifier.predict(x, rng.fork(`draw-${draw}`)));
    classes = output.shape[1];
    try {
      // Asynchronous reads: a GPU backend (webgpu in Node) cannot read tensors synchronously.
      draws.push((await output.data()) as Float32Array);
    } finally {
      output.dispose();
    }
  }
  const count = x.shape[0];
  for (let example = 0; example < count; example += 1) {
    const row = (values: Float32Array) => values.subarray(example * classes, (example + 1) * classes);
    const first = row(draws[0]);
    const problem = probabilityProblem(first);
    tally.rows += 1;
    if (problem) {
      tally.bad += 1;
      tally.problem ??= `row ${tally.rows - 1}: ${problem}`;
    }
    let differs = false;
    let changes = false;
    for (const other of draws.slice(1)) {
      const values = row(other);
      if (values.some((value, index) => !(Math.abs(value - first[index]) <= OUTPUT_TOLERANCE))) differs = true;
      if (argMax(values) !== argMax(first)) changes = true;
    }
    if (differs) tally.differing += 1;
    if (changes) tally.classChanges += 1;
  }
}

/** Why a row is not a probability vector, or undefined when it is one. */
function probabilityProblem(row: Float32Array): string | undefined {
  let sum = 0;
  for (const value of row) {
    if (!Number.isFinite(value)) return `a non-finite entry (${value})`;
    if (value < 0) return `a negative entry (${value})`;
    sum += value;
  }
  return Math.abs(sum - 1) > PROBABILITY_TOLERANCE ? `sums to ${sum.toPrecision(6)}` : undefined;
}

function argMax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1) if (values[index] > values[best]) best = index;
  return best;
}

/** A surface declared deterministic must give the same output twice. */
async function probeSurfaceRepeat(tf: TensorFlow, surface: AttackSurface, x: Tensor4D, rng: RandomSource, tally: ProbeTally): Promise<void> {
  if (surface.randomized) return;
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(surface.forward(x, rng.fork('first')), surface.forward(x, rng.fork('second'))))));
  let value: number;
  try {
    value = ((await difference.data()) as Float32Array)[0];
  } finally {
    difference.dispose();
  }
  if (!(value <= OUTPUT_TOLERANCE)) tally.undeclared.add(surface.name);
}

/** Examples of the batch whose loss gradient w.r.t. the input is exactly zero (cross-entropy on the surface's output). */
async function zeroGradientCount(tf: TensorFlow, surface: AttackSurface, x: Tensor4D, y: Tensor1D, classes: number, rng: RandomSource): Promise<number> {
  const magnitude = tf.tidy(() => {
    const labels = tf.oneHot(tf.cast(y, 'int32'), classes);
    const loss = (input: Tensor) => {
      const output = surface.forward(input as Tensor4D, rng);
      const logProbabilities = surface.output === 'logits' ? tf.logSoftmax(output) : output;
      return tf.neg(tf.sum(tf.mul(labels, logProbabilities)));
    };
    const gradient = tf.grad(loss)(x);
    return tf.max(tf.abs(gradient), [1, 2, 3]);
  });
  let values: Float32Array;
  try {
    values = (await magnitude.data()) as Float32Array;
  } finally {
    magnitude.dispose();
  }
  let zero = 0;
  for (const value of values) if (value === 0) zero += 1;
  return zero;
}
