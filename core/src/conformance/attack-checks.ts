import type { AttackInput, AttackInstance, AttackPlugin, AttackSurface, Classifier, LabelledBatch, Tensor2D, Tensor4D } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import type { TestKit } from '../testkit/create-test-kit.js';
import { CheckFailure, type CheckRecorder } from './check-recorder.js';
import { heavyCallsSince, instrumentedContext } from './instrumented-context.js';
import { SAME_TOLERANCE } from './surface-checks.js';
import { expectTensorOfShape, firstNonFinite, maxDifference, round, shapeText, valuesOf, withTimeout } from './tensor-facts.js';

/** Limits of the attack checks. */
export interface AttackCheckLimits {
  /** Batch sizes tried. */
  batchSizes: number[];
  /** Linf budget the attack runs at. */
  epsilon: number;
  /** Seconds prepare (or one attack run) may take. */
  timeoutSeconds: number;
  /** Milliseconds create may take. */
  createBudgetMs: number;
}

/** The kit's base model as a deterministic defense: its exact logits surface, softmax classifier and judge. */
function referenceDefense(kit: TestKit, model: { apply(x: Tensor4D, options: { training: boolean }): unknown }): { surface: AttackSurface; classifier: Classifier; judge(candidates: Tensor4D, y: LabelledBatch['y']): Promise<Float32Array> } {
  const { tf } = kit;
  const logits = (x: Tensor4D) => model.apply(x, { training: false }) as Tensor2D;
  const classifier: Classifier = { randomized: false, predict: (x) => tf.tidy(() => tf.softmax(logits(x))) };
  return {
    surface: { name: 'full', description: 'logits of the test kit\'s trained base model', output: 'logits', randomized: false, exact: true, forward: logits },
    classifier,
    judge: async (candidates, y) => tf.tidy(() => Float32Array.from(tf.cast(tf.equal(tf.argMax(classifier.predict(candidates, createRandom(0)), 1), y), 'float32').dataSync())),
  };
}

/** How far an attack's output strays from the ball and [0, 1]. */
interface BallFacts {
  distance: number;
  low: number;
  high: number;
  outside: number;
}

function ballFacts(kit: TestKit, adversarial: Tensor4D, x: Tensor4D, epsilon: number): BallFacts {
  const { tf } = kit;
  const [distance, low, high, outside] = tf.tidy(() => {
    const difference = tf.max(tf.abs(tf.sub(adversarial, x)), [1, 2, 3]);
    const perExample = tf.logicalOr(tf.greater(difference, epsilon + 1e-6), tf.logicalOr(tf.less(tf.min(adversarial, [1, 2, 3]), 0), tf.greater(tf.max(adversarial, [1, 2, 3]), 1)));
    return [tf.max(difference), tf.min(adversarial), tf.max(adversarial), tf.sum(tf.cast(perExample, 'int32'))].map((tensor) => tensor.dataSync()[0]);
  });
  return { distance, low, high, outside };
}

/** Runs every attack check against the kit's trained base model. */
export async function checkAttack(recorder: CheckRecorder, kit: TestKit, plugin: AttackPlugin, options: unknown, limits: AttackCheckLimits): Promise<void> {
  const { tf } = kit;
  const base = await kit.base();
  const defense = referenceDefense(kit, base.model);
  const tensorsBefore = tf.memory().numTensors;
  const { context, calls } = instrumentedContext(kit.context({ entryName: plugin.id, kind: 'attack' }));
  let instance: AttackInstance | undefined;
  const created = await recorder.run('create-cheap', `create returns within ${limits.createBudgetMs} ms without training`, async () => {
    const started = Date.now();
    instance = await withTimeout(Promise.resolve(plugin.create(context, options)), limits.timeoutSeconds, 'create');
    const elapsed = Date.now() - started;
    const heavy = heavyCallsSince({ train: 0, cache: 0, base: 0 }, calls);
    if (heavy) throw new CheckFailure(`create called ${heavy}: an attack's create must only set up`, 'no training, cache or base model in create', `called ${heavy}`);
    if (elapsed > limits.createBudgetMs) throw new CheckFailure(`create took ${elapsed} ms`, `create within ${limits.createBudgetMs} ms`, `${elapsed} ms`);
    if (!instance || typeof instance.run !== 'function' || typeof instance.describe !== 'function') {
      throw new CheckFailure('create must return an AttackInstance { run, describe, dispose? }', 'run and describe functions', instance ? `run ${typeof instance.run}, describe ${typeof instance.describe}` : String(instance));
    }
  });
  if (!created || !instance) return;
  const attack = instance;
  const batch = await kit.testBatch(Math.max(...limits.batchSizes));
  const { epsilon } = limits;
  const run = async (x: Tensor4D, y: LabelledBatch['y'], seed: number): Promise<Tensor4D> => {
    const input: AttackInput = { surface: defense.surface, x, y, epsilon, rng: createRandom(seed), judge: (candidates) => defense.judge(candidates, y), classifier: defense.classifier, signal: new AbortController().signal };
    return withTimeout(attack.run(input), limits.timeoutSeconds, `attack.run on a batch of ${x.shape[0]}`);
  };
  try {
    await recorder.run('describe', 'describe() is a JSON-serialisable object', () => {
      const description = attack.describe();
      if (description === null || typeof description !== 'object') throw new CheckFailure('describe() must return an object', 'a JSON-serialisable object', String(description));
      JSON.stringify(description);
    });

    let shapesOk = false;
    await recorder.run('attack-output-shape', `run returns images of the input's shape for batches of ${limits.batchSizes.join(', ')}, leaving x and y intact`, async () => {
      for (const size of limits.batchSizes) {
        const [x, y] = tf.tidy(() => [tf.slice(batch.x, 0, size) as Tensor4D, tf.slice(batch.y, 0, size)] as const);
        const clean = valuesOf(x);
        try {
          const adversarial = await run(x, y, 1);
          try {
            expectTensorOfShape(adversarial, x.shape, `attack.run on a batch of ${size} ${shapeText(x.shape)}`);
            if (adversarial.dtype !== 'float32') throw new CheckFailure(`attack.run returned dtype ${adversarial.dtype}`, 'float32 images', adversarial.dtype);
            const bad = firstNonFinite(valuesOf(adversarial));
            if (bad) throw new CheckFailure(`attack.run returned a non-finite value (${bad.value} at flat index ${bad.index})`, 'finite images', String(bad.value));
          } finally {
            if (adversarial && typeof (adversarial as Partial<Tensor4D>).dispose === 'function' && adversarial !== x) adversarial.dispose();
          }
          if (x.isDisposed || y.isDisposed) throw new CheckFailure('attack.run disposed its input x or y: the caller owns them', 'x and y left alive', `${x.isDisposed ? 'x' : 'y'} disposed`);
          if (maxDifference(clean, valuesOf(x)) !== 0) throw new CheckFailure('attack.run changed its input x in place', 'x unchanged', 'x modified');
        } finally {
          tf.dispose([x, y]);
        }
      }
      shapesOk = true;
    });
    if (!shapesOk) return;

    // The run on the whole batch serves the ball check and, repeated under the same seed, the seed check.
    let first: Float32Array | undefined;
    await recorder.run('attack-in-ball', `run's output stays within the Linf ball of ${round(epsilon)} and [0, 1] (else the harness projects it and reports projectionCorrections)`, async () => {
      const adversarial = await run(batch.x, batch.y, 1);
      let facts: BallFacts;
      try {
        first = valuesOf(adversarial);
        facts = ballFacts(kit, adversarial, batch.x, epsilon);
      } finally {
        adversarial.dispose();
      }
      const { distance, low, high, outside } = facts;
      if (outside > 0) {
        throw new CheckFailure(`run returned ${outside} of ${batch.x.shape[0]} examples outside the epsilon-ball or [0, 1] (largest distance ${round(distance)} for epsilon ${round(epsilon)}, values in [${round(low)}, ${round(high)}]): the harness projects them back and each run reports them as projectionCorrections`, `every example within ${round(epsilon)} of x and in [0, 1]`, `${outside} outside`, 'warn');
      }
    });

    await recorder.run('attack-same-seed', 'run gives the same images for the same rng seed', async () => {
      const values = async () => {
        const adversarial = await run(batch.x, batch.y, 1);
        const read = valuesOf(adversarial);
        adversarial.dispose();
        return read;
      };
      first ??= await values();
      const difference = maxDifference(first, await values());
      if (difference > SAME_TOLERANCE) {
        throw new CheckFailure(`two runs with the same rng seed returned images differing by up to ${round(difference)}: draw every random choice from input.rng (never Math.random or unseeded tf.random*)`, `identical images (within ${SAME_TOLERANCE})`, `max difference ${round(difference)}`);
      }
    });

    await recorder.run('attack-no-leak', 'run leaves no tensors behind (after earlier runs, one more with its result disposed)', async () => {
      const before = tf.memory().numTensors;
      (await run(batch.x, batch.y, 6)).dispose();
      const growth = tf.memory().numTensors - before;
      if (growth !== 0) throw new CheckFailure(`a run (its result disposed) left ${growth} more tensors allocated: wrap each step in tf.tidy and dispose intermediate iterates`, 'tf.memory().numTensors flat', `${growth > 0 ? '+' : ''}${growth} tensors`);
    });
  } finally {
    tf.dispose([batch.x, batch.y]);
    await recorder.run('dispose', 'dispose() frees every tensor the attack made', () => {
      attack.dispose?.();
      const left = tf.memory().numTensors - tensorsBefore;
      if (left > 0) throw new CheckFailure(`after dispose(), ${left} tensors the attack made are still allocated`, 'tf.memory().numTensors back to its value before create', `${left} more tensors`);
    });
  }
}
