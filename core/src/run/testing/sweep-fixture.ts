import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test-only plugins for sweep and resume tests, written as plain ES modules (no imports: they use only the
 * context they receive, so a child process can load them by path without a build).
 *
 * - `test-trained` (defense): trains the run's configured model with the real trainer, through the real model
 *   cache, and judges with softmax of its logits. Options: `epochs` (default 1), `failPrepare` (default false),
 *   `noise` (default 0): with this probability per example and draw the decision rule answers a uniformly random
 *   class instead (a randomized defense; its surfaces stay the deterministic logits, exact only without noise).
 *   It offers the surfaces `full` and `copy` (the same logits under another name).
 * - `test-fgsm` (attack): one signed-gradient step of size `epsilon * overshoot` on the surface, clipped to [0, 1]
 *   (overshoot > 1 returns points outside the ball, which the harness must project back), then waits `delayMs`.
 */
const DEFENSE_SOURCE = `
const plugin = {
  $$type: 'advbench.plugin', apiVersion: 'v1', kind: 'defense', id: 'test-trained', version: '0.0.1',
  description: 'test-only defense: the configured model, trained briefly',
  parseOptions(raw) {
    const options = { epochs: 1, failPrepare: false, noise: 0, ...(raw ?? {}) };
    for (const key of Object.keys(options)) if (!['epochs', 'failPrepare', 'noise'].includes(key)) throw new Error('unknown option ' + key);
    return options;
  },
  create(context, options) {
    const { tf } = context;
    let model;
    let cost;
    const noise = options.noise;
    const classifier = {
      randomized: noise > 0,
      predict: (x, rng) => tf.tidy(() => {
        const probabilities = tf.softmax(model.predict(x));
        if (!(noise > 0)) return probabilities;
        const [count, classes] = probabilities.shape;
        const replaced = tf.cast(tf.less(tf.randomUniform([count, 1], 0, 1, 'float32', rng.seed()), noise), 'float32');
        const guess = tf.cast(tf.oneHot(tf.cast(tf.floor(tf.randomUniform([count], 0, classes - 1e-3, 'float32', rng.seed())), 'int32'), classes), 'float32');
        return tf.add(tf.mul(replaced, guess), tf.mul(tf.sub(1, replaced), probabilities));
      }),
    };
    const surface = { name: 'full', description: 'logits of the model', output: 'logits', randomized: false, exact: !(noise > 0), forward: (x) => model.apply(x) };
    const copy = { ...surface, name: 'copy', description: 'the same logits under another name' };
    return {
      async prepare() {
        if (options.failPrepare) throw new Error('prepare failed on purpose');
        const entry = await context.cache.getOrCreate({ plugin: 'test-trained', epochs: options.epochs }, async (directory) => {
          const fresh = context.models.create({ classes: context.dataset.info.classes, rng: context.rng.fork('init') });
          const result = await context.training.train({ model: fresh, epochs: options.epochs, batchSize: 32, learningRate: 0.05, rng: context.rng.fork('train'), phase: 'test' });
          await context.models.save(fresh, directory);
          fresh.dispose();
          return { cost: result.cost };
        });
        model = await context.models.load(entry.directory);
        cost = { ...entry.metadata.cost, cached: entry.hit };
      },
      classifier,
      surfaces: () => [surface, copy],
      defaultSurfaces: () => ['full'],
      cost: () => cost,
      describe: () => ({ epochs: options.epochs }),
      dispose() { model?.dispose(); },
    };
  },
};
export default plugin;
`;

const ATTACK_SOURCE = `
const plugin = {
  $$type: 'advbench.plugin', apiVersion: 'v1', kind: 'attack', id: 'test-fgsm', version: '0.0.1',
  description: 'test-only attack: one signed-gradient step',
  parseOptions(raw) { return { overshoot: 1, delayMs: 0, ...(raw ?? {}) }; },
  create(context, options) {
    const { tf } = context;
    return {
      describe: () => ({ steps: 1, overshoot: options.overshoot }),
      async run({ surface, x, y, epsilon, rng, onStep }) {
        const lossOf = (input) => {
          const logits = surface.forward(input, rng);
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]), logits);
        };
        // Stays in [0, 1] always; leaves the epsilon-ball only when overshoot > 1.
        const result = tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(tf.sign(tf.grad(lossOf)(x)), epsilon * options.overshoot)), 0, 1));
        onStep?.({ step: 1, steps: 1, restart: 1, restarts: 1, successRate: 0, loss: 0 });
        if (options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        return result;
      },
    };
  },
};
export default plugin;
`;

/** Paths of the written test plugins. */
export interface TestPlugins {
  /** The `test-trained` defense module. */
  defense: string;
  /** The `test-fgsm` attack module. */
  attack: string;
}

/** Writes the test-only plugins into `folder` and returns their paths. */
export function writeTestPlugins(folder: string): TestPlugins {
  mkdirSync(folder, { recursive: true });
  const defense = join(folder, 'test-defense.mjs');
  const attack = join(folder, 'test-attack.mjs');
  writeFileSync(defense, DEFENSE_SOURCE);
  writeFileSync(attack, ATTACK_SOURCE);
  return { defense, attack };
}

/**
 * Writes the `test-trained` defense as a plugin package folder (`package.json` + `index.js`) and returns the
 * folder, for tests that edit a plugin's code between runs.
 */
export function writeTestDefensePackage(folder: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'advbench-test-trained', version: '0.0.1', type: 'module', exports: './index.js' }));
  writeFileSync(join(folder, 'index.js'), DEFENSE_SOURCE);
  return folder;
}

/** A small config on the shipped Fashion-MNIST and the zoo's bench-resnet, sweeping the test plugins. */
export function testSweepConfig(
  plugins: TestPlugins,
  options: { cacheDirectory: string; defenses?: Array<Record<string, unknown>>; attackOptions?: Record<string, unknown>; epsilons?: number[]; testSamples?: number; extra?: Record<string, unknown> },
): Record<string, unknown> {
  return {
    dataset: { use: 'fashion-mnist', trainSamples: 64, testSamples: options.testSamples ?? 24 },
    model: 'bench-resnet',
    defenses: options.defenses ?? [{ use: plugins.defense, name: 'trained' }],
    attacks: [{ use: plugins.attack, name: 'fgsm', options: options.attackOptions ?? {} }],
    epsilons: options.epsilons ?? [0, 0.05, 0.1],
    seed: 3,
    backend: 'wasm',
    evalBatchSize: 8,
    cacheDirectory: options.cacheDirectory,
    ...options.extra,
  };
}
