import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelCache } from '../cache/model-cache.js';
import type { DefenseInstance, DefensePlugin, LabelledBatch, Tensor4D } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { ADVBENCH_VERSION } from '../run/advbench-version.js';
import type { TestKit } from '../testkit/create-test-kit.js';
import { CheckFailure, type CheckRecorder } from './check-recorder.js';
import { heavyCallsSince, instrumentedContext } from './instrumented-context.js';
import { checkSurface, checkSurfaceDeclarations, SAME_TOLERANCE } from './surface-checks.js';
import { expectTensorOfShape, firstNonFinite, maxDifference, rowFacts, round, tensorGrowth, valuesOf, withTimeout } from './tensor-facts.js';

/** Limits of the defense checks. */
export interface DefenseCheckLimits {
  /** Batch sizes tried. */
  batchSizes: number[];
  /** Seconds prepare (or one attack run) may take. */
  timeoutSeconds: number;
  /** Milliseconds create may take. */
  createBudgetMs: number;
}

/** Difference allowed between two instances trained from the same seed (float32 reductions may round differently). */
const RETRAIN_TOLERANCE = 1e-4;

/** Probabilities `predict` gives on `x` under a fresh rng of `seed`, checked to be a [batch, C] tensor. */
function predictValues(kit: TestKit, instance: DefenseInstance, x: Tensor4D, seed: number, classes: number): Float32Array {
  return kit.tf.tidy(() => {
    const output = instance.classifier.predict(x, createRandom(seed));
    expectTensorOfShape(output, [x.shape[0], classes], `classifier.predict on a batch of ${x.shape[0]}`);
    return valuesOf(output);
  });
}

/** Creates and prepares an instance, with the create checks on the way; undefined when it could not be prepared. */
async function createAndPrepare(recorder: CheckRecorder, kit: TestKit, plugin: DefensePlugin, options: unknown, limits: DefenseCheckLimits): Promise<DefenseInstance | undefined> {
  const { context, calls } = instrumentedContext(kit.context({ entryName: plugin.id }));
  let instance: DefenseInstance | undefined;
  const created = await recorder.run('create-cheap', `create returns within ${limits.createBudgetMs} ms without training`, async () => {
    const started = Date.now();
    const before = { ...calls };
    instance = await withTimeout(Promise.resolve(plugin.create(context, options)), limits.timeoutSeconds, 'create');
    const elapsed = Date.now() - started;
    const heavy = heavyCallsSince(before, calls);
    if (heavy) throw new CheckFailure(`create called ${heavy}: training and loading belong in prepare()`, 'create to only set up (no training, cache or base model)', `called ${heavy}`);
    if (elapsed > limits.createBudgetMs) throw new CheckFailure(`create took ${elapsed} ms: heavy work belongs in prepare()`, `create within ${limits.createBudgetMs} ms`, `${elapsed} ms`);
    const shape = instance as Partial<DefenseInstance> | undefined;
    const missing = ['prepare', 'surfaces', 'defaultSurfaces', 'cost', 'describe', 'dispose'].filter((key) => typeof (shape as Record<string, unknown> | undefined)?.[key] !== 'function');
    if (!shape || missing.length > 0) throw new CheckFailure(`create must return a DefenseInstance; missing functions: ${missing.join(', ')}`, 'prepare, classifier, surfaces, defaultSurfaces, cost, describe, dispose', `missing ${missing.join(', ')}`);
  });
  if (!created || !instance) return undefined;
  const prepared = await recorder.run('prepare', `prepare finishes on the test kit's data (${kit.dataset.info.trainCount} training images)`, async () => {
    await withTimeout(instance!.prepare(), limits.timeoutSeconds, 'prepare()');
  });
  return prepared ? instance : undefined;
}

/** Runs every defense check; `kit.base()` is warmed first so its tensors count as the run's, not the defense's. */
export async function checkDefense(recorder: CheckRecorder, kit: TestKit, plugin: DefensePlugin, options: unknown, limits: DefenseCheckLimits): Promise<void> {
  const { tf } = kit;
  const classes = kit.dataset.info.classes;
  await kit.base();
  const tensorsBefore = tf.memory().numTensors;
  const instance = await createAndPrepare(recorder, kit, plugin, options, limits);
  if (!instance) {
    recorder.skip('defense-behaviour', 'the defense was not created and prepared');
    return;
  }
  const largest = Math.max(...limits.batchSizes);
  const batch: LabelledBatch = await kit.testBatch(largest);
  try {
    await recorder.run('describe-and-cost', 'describe() is JSON-serialisable and cost() has numeric seconds, examples and passes', () => {
      const description = instance.describe();
      if (description === null || typeof description !== 'object') throw new CheckFailure('describe() must return an object', 'a JSON-serialisable object', String(description));
      JSON.stringify(description);
      const cost = instance.cost() as unknown as Record<string, unknown>;
      const wrong = ['seconds', 'examples', 'forwardPasses', 'backwardPasses'].filter((key) => typeof cost?.[key] !== 'number' || !Number.isFinite(cost[key] as number) || (cost[key] as number) < 0);
      if (wrong.length > 0 || typeof cost.cached !== 'boolean') throw new CheckFailure(`cost() must give non-negative numbers for seconds, examples, forwardPasses, backwardPasses and a boolean cached; wrong: ${[...wrong, ...(typeof cost?.cached === 'boolean' ? [] : ['cached'])].join(', ')}`, 'a TrainingCost', JSON.stringify(cost));
    });

    const classifierOk = await recorder.run('classifier-declared', 'classifier has a boolean randomized and a predict function', () => {
      const classifier = instance.classifier as unknown as Record<string, unknown> | undefined;
      if (!classifier || typeof classifier.predict !== 'function' || typeof classifier.randomized !== 'boolean') {
        throw new CheckFailure('classifier must be { randomized: boolean, predict(x, rng) }', 'a Classifier', classifier ? `randomized ${JSON.stringify(classifier.randomized)}, predict ${typeof classifier.predict}` : String(classifier));
      }
    });
    if (classifierOk) await checkClassifier(recorder, kit, instance, batch, limits.batchSizes);

    let surfacesOk = false;
    await recorder.run('surfaces-declared', 'surfaces() and defaultSurfaces() are well-formed', () => {
      checkSurfaceDeclarations(instance.surfaces(), instance.defaultSurfaces());
      surfacesOk = true;
    });
    if (surfacesOk) for (const surface of instance.surfaces()) await checkSurface(recorder, tf, surface, instance.classifier, { x: batch.x, y: batch.y, classes });

    if (classifierOk) await checkSameSeed(recorder, kit, plugin, options, instance, batch.x, limits);
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
  await recorder.run('dispose', 'dispose() frees every tensor the defense made', () => {
    instance.dispose();
    const left = tf.memory().numTensors - tensorsBefore;
    if (left > 0) throw new CheckFailure(`after dispose(), ${left} tensors the defense made are still allocated: dispose every model (model.dispose()) and tensor it keeps`, 'tf.memory().numTensors back to its value before create', `${left} more tensors`);
  });
}

/** predict: probabilities of the right shape for every batch size, randomized honest, same seed same result, no leak. */
async function checkClassifier(recorder: CheckRecorder, kit: TestKit, instance: DefenseInstance, batch: LabelledBatch, batchSizes: number[]): Promise<void> {
  const { tf } = kit;
  const classes = kit.dataset.info.classes;
  const { classifier } = instance;
  await recorder.run('predict-probabilities', `predict returns probabilities [batch, ${classes}] for batches of ${batchSizes.join(', ')}`, () => {
    for (const size of batchSizes) {
      const x = tf.tidy(() => tf.slice(batch.x, 0, size) as Tensor4D);
      try {
        const values = predictValues(kit, instance, x, 1, classes);
        const bad = firstNonFinite(values);
        if (bad) throw new CheckFailure(`classifier.predict on a batch of ${size} returned a non-finite value (${bad.value} at flat index ${bad.index})`, 'finite probabilities', `${bad.value}`);
        const facts = rowFacts(values, classes);
        const worstSum = facts.sums.reduce((worst, sum) => (Math.abs(sum - 1) > Math.abs(worst - 1) ? sum : worst), 1);
        const lowest = Math.min(...facts.minimums);
        if (Math.abs(worstSum - 1) > 1e-3 || lowest < -1e-6) {
          const hint = lowest < 0 || Math.max(...facts.maximums) > 1 ? ': this looks like logits; return tf.softmax(logits)' : '';
          throw new CheckFailure(
            `classifier.predict on a batch of ${size} must return probabilities (rows of ${classes} non-negative values summing to 1), but a row sums to ${round(worstSum)} and the smallest entry is ${round(lowest)}${hint}`,
            `rows of ${classes} values >= 0 summing to 1 (± 0.001)`,
            `a row summing to ${round(worstSum)}, smallest entry ${round(lowest)}`,
          );
        }
      } finally {
        x.dispose();
      }
    }
  });

  await recorder.run('predict-randomized', classifier.randomized ? 'classifier is randomized: predict varies with the rng' : 'classifier is deterministic: predict ignores its rng', () => {
    const first = predictValues(kit, instance, batch.x, 1, classes);
    const other = predictValues(kit, instance, batch.x, 2, classes);
    const difference = maxDifference(first, other);
    if (!classifier.randomized && difference > SAME_TOLERANCE) {
      throw new CheckFailure(`classifier.randomized is false, but predict on the same batch with two different rngs gave probabilities differing by up to ${round(difference)}: declare randomized: true (the harness then judges with fresh randomness)`, 'identical probabilities whatever the rng', `max difference ${round(difference)}`);
    }
    if (classifier.randomized && difference <= SAME_TOLERANCE) {
      throw new CheckFailure('classifier.randomized is true, but predict gave identical probabilities under two different rngs', 'probabilities that vary with the rng', 'identical probabilities', 'warn');
    }
  });

  await recorder.run('predict-same-seed', 'predict gives the same probabilities for the same rng seed', () => {
    const first = predictValues(kit, instance, batch.x, 1, classes);
    const again = predictValues(kit, instance, batch.x, 1, classes);
    const difference = maxDifference(first, again);
    if (difference > SAME_TOLERANCE) {
      throw new CheckFailure(`two predict calls on the same batch with the same rng seed differ by up to ${round(difference)}: draw every random choice from the rng argument (never Math.random or unseeded tf.random*)`, `identical probabilities (within ${SAME_TOLERANCE})`, `max difference ${round(difference)}`);
    }
  });

  await recorder.run('predict-no-leak', 'predict leaves no tensors behind (3 calls, each result disposed)', async () => {
    const growth = await tensorGrowth(tf, 3, () => {
      const output = classifier.predict(batch.x, createRandom(4));
      output.dispose();
    });
    if (growth !== 0) throw new CheckFailure(`3 predict calls (each result disposed) left ${growth} more tensors allocated: wrap predict's work in tf.tidy`, 'tf.memory().numTensors flat', `${growth > 0 ? '+' : ''}${growth} tensors`);
  });
}

/** A second instance from the same seed and options, trained without the first one's cache, must predict the same. */
async function checkSameSeed(recorder: CheckRecorder, kit: TestKit, plugin: DefensePlugin, options: unknown, instance: DefenseInstance, x: Tensor4D, limits: DefenseCheckLimits): Promise<void> {
  const classes = kit.dataset.info.classes;
  const directory = mkdtempSync(join(tmpdir(), 'advbench-check-cache-'));
  let second: DefenseInstance | undefined;
  try {
    await recorder.run('same-seed-same-result', 'a second instance from the same seed, prepared without the first one\'s cache, predicts the same', async () => {
      const cache = new FileModelCache(directory, { datasetHash: kit.dataset.info.contentHash, architecture: kit.models.architecture, seed: kit.seed, codeVersion: ADVBENCH_VERSION });
      second = await plugin.create(kit.context({ entryName: plugin.id, cache }), options);
      await withTimeout(second.prepare(), limits.timeoutSeconds, 'prepare() of the second instance');
      const first = predictValues(kit, instance, x, 1, classes);
      const again = predictValues(kit, second, x, 1, classes);
      const difference = maxDifference(first, again);
      if (difference > RETRAIN_TOLERANCE) {
        throw new CheckFailure(`two instances created with the same seed and options gave probabilities differing by up to ${round(difference)}: draw every random choice (initialisation, shuffling, noise) from context.rng`, `the same probabilities (within ${RETRAIN_TOLERANCE})`, `max difference ${round(difference)}`);
      }
    });
  } finally {
    second?.dispose();
    rmSync(directory, { recursive: true, force: true });
  }
}
