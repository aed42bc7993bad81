import type { AttackSurface, Classifier, Tensor, Tensor1D, Tensor2D, Tensor4D, TensorFlow } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { CheckFailure, type CheckRecorder } from './check-recorder.js';
import { expectTensorOfShape, firstNonFinite, maxDifference, rowFacts, round, tensorGrowth, valuesOf } from './tensor-facts.js';

/** Identical outputs means within this (float32 noise of a repeated deterministic computation). */
export const SAME_TOLERANCE = 1e-6;

/** The batch surfaces are checked on. */
export interface SurfaceBatch {
  /** Test images. */
  x: Tensor4D;
  /** Their labels. */
  y: Tensor1D;
  /** Number of classes C. */
  classes: number;
}

/** Runs `surface.forward` and returns its values (checked for shape); the tensors are freed. */
function forwardValues(tf: TensorFlow, surface: AttackSurface, batch: SurfaceBatch, seed: number): Float32Array {
  return tf.tidy(() => {
    const output = surface.forward(batch.x, createRandom(seed));
    expectTensorOfShape(output, [batch.x.shape[0], batch.classes], `surface '${surface.name}'.forward on a batch of ${batch.x.shape[0]}`);
    return valuesOf(output);
  });
}

/** The input gradient of the surface's cross-entropy loss at the true labels. */
function gradientValues(tf: TensorFlow, surface: AttackSurface, batch: SurfaceBatch, seed: number): Float32Array {
  return tf.tidy(() => {
    const rng = createRandom(seed);
    const loss = (input: Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(batch.y, batch.classes), surface.forward(input as Tensor4D, rng) as Tensor2D);
    return valuesOf(tf.grad(loss)(batch.x));
  });
}

/** Checks the declared fields of every surface and that `defaultSurfaces` names offered ones. */
export function checkSurfaceDeclarations(surfaces: unknown, defaults: unknown): void {
  if (!Array.isArray(surfaces) || surfaces.length === 0) {
    throw new CheckFailure('surfaces() must return at least one surface (a deterministic defense offers "full")', 'a non-empty array of surfaces', Array.isArray(surfaces) ? 'an empty array' : String(surfaces));
  }
  const names = new Set<string>();
  for (const [index, candidate] of surfaces.entries()) {
    const surface = candidate as Partial<AttackSurface>;
    const problems: string[] = [];
    if (typeof surface.name !== 'string' || surface.name.length === 0) problems.push('name must be a non-empty string');
    if (typeof surface.description !== 'string') problems.push('description must be a string');
    if (surface.output !== 'logits' && surface.output !== 'log-probabilities') problems.push(`output must be "logits" or "log-probabilities", got ${JSON.stringify(surface.output)}`);
    if (typeof surface.randomized !== 'boolean') problems.push(`randomized must be true or false, got ${JSON.stringify(surface.randomized)}`);
    if (surface.exact !== undefined && typeof surface.exact !== 'boolean') problems.push(`exact must be true, false or absent, got ${JSON.stringify(surface.exact)}`);
    if (surface.exact === true && surface.randomized === true) problems.push('exact must not be true on a randomized surface');
    if (typeof surface.forward !== 'function') problems.push('forward must be a function');
    if (typeof surface.name === 'string' && names.has(surface.name)) problems.push(`the name "${surface.name}" is used twice`);
    names.add(String(surface.name));
    if (problems.length > 0) {
      throw new CheckFailure(`surfaces()[${index}] (${String(surface.name)}): ${problems.join('; ')}`, 'name, description, output, randomized and forward as in AttackSurface', problems.join('; '));
    }
  }
  const wanted = Array.isArray(defaults) ? (defaults as unknown[]) : undefined;
  const missing = wanted?.filter((name) => typeof name !== 'string' || !names.has(name));
  if (!wanted || wanted.length === 0 || (missing && missing.length > 0)) {
    throw new CheckFailure(`defaultSurfaces() must name offered surfaces (offered: ${[...names].join(', ')})`, `a non-empty subset of ${[...names].join(', ')}`, wanted ? `${JSON.stringify(wanted)}${missing && missing.length > 0 ? ` (not offered: ${missing.join(', ')})` : ''}` : String(defaults));
  }
}

/**
 * The checks of one surface: output shape and kind, an input gradient that is finite and not all zero, randomized
 * honest (a deterministic surface ignores its rng; a randomized one repeats under the same seed), `exact` honest
 * (its arg-max is the classifier's) and no tensors left behind by forward or its gradient.
 */
export async function checkSurface(recorder: CheckRecorder, tf: TensorFlow, surface: AttackSurface, classifier: Classifier, batch: SurfaceBatch): Promise<void> {
  const name = `'${surface.name}'`;
  const size = batch.x.shape[0];
  await recorder.run(`surface-output:${surface.name}`, `surface ${name} returns finite ${surface.output} of shape [${size}, ${batch.classes}]`, () => {
    const values = forwardValues(tf, surface, batch, 1);
    const bad = firstNonFinite(values);
    if (bad) throw new CheckFailure(`surface ${name}.forward returned a non-finite value (${bad.value} at flat index ${bad.index})`, 'finite values', `${bad.value} at index ${bad.index}`);
    const facts = rowFacts(values, batch.classes);
    if (surface.output === 'log-probabilities') {
      const worst = Math.max(...facts.logSumExps.map((value) => Math.abs(value)));
      if (worst > 1e-3 || Math.max(...facts.maximums) > 1e-4) {
        throw new CheckFailure(`surface ${name} declares output "log-probabilities", but its rows' log-sum-exp is up to ${round(worst)} from 0 (largest entry ${round(Math.max(...facts.maximums))}): return tf.logSoftmax(logits), or declare output "logits"`, 'rows with log-sum-exp 0 (± 0.001), entries <= 0', `log-sum-exp up to ${round(worst)} from 0`);
      }
    } else if (facts.minimums.every((value) => value >= 0) && facts.maximums.every((value) => value <= 1) && facts.sums.every((sum) => Math.abs(sum - 1) <= 1e-3)) {
      throw new CheckFailure(`surface ${name} declares output "logits", but returns probabilities (every row in [0, 1] summing to 1): attacks take a softmax of it; return the logits, or log-probabilities with output "log-probabilities"`, 'logits (unnormalised scores)', 'rows of probabilities');
    }
  });

  await recorder.run(`surface-gradient:${surface.name}`, `surface ${name} has a finite, non-zero input gradient`, () => {
    let gradient: Float32Array;
    try {
      gradient = gradientValues(tf, surface, batch, 1);
    } catch (error) {
      if (error instanceof CheckFailure) throw error;
      const text = error instanceof Error ? error.message : String(error);
      throw new CheckFailure(`surface ${name}: the gradient of its cross-entropy loss w.r.t. the input x cannot be computed (${text}): forward must be built from tf ops on x (no dataSync, no new tensors from values)`, 'tf.grad(loss(forward(x)))(x) to succeed', `threw: ${text}`);
    }
    const bad = firstNonFinite(gradient);
    if (bad) throw new CheckFailure(`surface ${name}: the input gradient has a non-finite value (${bad.value} at flat index ${bad.index})`, 'a finite gradient', `${bad.value} at index ${bad.index}`);
    const largest = gradient.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
    if (largest === 0) {
      throw new CheckFailure(`surface ${name}: the gradient of its cross-entropy loss w.r.t. the input is zero everywhere on a batch of ${size} of a trained model: white-box attacks get no signal (give non-differentiable steps such as rounding a straight-through gradient with tf.customGrad)`, 'a gradient that is not all zero', `all ${gradient.length} entries are 0`);
    }
  });

  await recorder.run(`surface-randomized:${surface.name}`, surface.randomized ? `surface ${name} is randomized and repeats under the same seed` : `surface ${name} is deterministic (ignores its rng)`, () => {
    const first = forwardValues(tf, surface, batch, 1);
    const again = forwardValues(tf, surface, batch, 1);
    const other = forwardValues(tf, surface, batch, 2);
    const repeat = maxDifference(first, again);
    if (repeat > SAME_TOLERANCE) {
      throw new CheckFailure(`surface ${name}: two forward calls with the same rng seed differ by up to ${round(repeat)}: draw every random choice from the rng argument (never Math.random or unseeded tf.random*)`, `identical outputs (within ${SAME_TOLERANCE}) for the same seed`, `max difference ${round(repeat)}`);
    }
    const across = maxDifference(first, other);
    if (!surface.randomized && across > SAME_TOLERANCE) {
      throw new CheckFailure(`surface ${name} declares randomized: false, but forward with two different rngs differs by up to ${round(across)}: declare randomized: true (attacks then use EOT)`, 'the same output whatever the rng', `max difference ${round(across)}`);
    }
    if (surface.randomized && across <= SAME_TOLERANCE) {
      throw new CheckFailure(`surface ${name} declares randomized: true, but forward gave the same output under two different rngs`, 'outputs that vary with the rng', 'identical outputs', 'warn');
    }
  });

  if (surface.exact) {
    await recorder.run(`surface-exact:${surface.name}`, `surface ${name} is exact: its arg-max is the classifier's decision`, () => {
      const surfaceChoice = rowFacts(forwardValues(tf, surface, batch, 1), batch.classes).argMaxes;
      const probabilities = tf.tidy(() => valuesOf(classifier.predict(batch.x, createRandom(1))));
      const ruleChoice = rowFacts(probabilities, batch.classes).argMaxes;
      const differing = surfaceChoice.filter((choice, index) => choice !== ruleChoice[index]).length;
      if (differing > 0 || classifier.randomized) {
        throw new CheckFailure(`surface ${name} declares exact: true, but ${classifier.randomized ? 'the classifier is randomized' : `its arg-max differs from classifier.predict's on ${differing} of ${size} examples`}: declare exact: false for a surrogate`, "the surface's arg-max to be the classifier's decision, deterministically", classifier.randomized ? 'a randomized classifier' : `${differing} of ${size} decisions differ`);
      }
    });
  }

  await recorder.run(`surface-no-leak:${surface.name}`, `surface ${name}: forward and its gradient leave no tensors behind`, async () => {
    const growth = await tensorGrowth(tf, 3, () => {
      forwardValues(tf, surface, batch, 3);
      gradientValues(tf, surface, batch, 3);
    });
    if (growth !== 0) {
      throw new CheckFailure(`surface ${name}: 3 calls of forward and its gradient (inside tf.tidy) left ${growth} more tensors allocated: forward must create no variables and keep no tensors`, 'tf.memory().numTensors flat', `${growth > 0 ? '+' : ''}${growth} tensors`);
    }
  });
}
