/**
 * Measures the cost of the PGD attack and of the three training recipes (standard, fast adversarial, PGD-k
 * adversarial) on a zoo model, with the backend advbench would select. Run from the repository root:
 *
 *   npx tsx plugins/attack-pgd/bench/pgd-benchmark.ts [--model resnet8] [--batch 64] [--steps 10] [--backend wasm]
 *
 * Prints one JSON object: seconds per PGD step for a batch, example-steps per second, and training examples per
 * second for each recipe with the passes each counts. Random data (speed does not depend on the values). On a
 * shared machine, compare `process` CPU seconds too: wall time includes other processes' load.
 */
import { parseArgs } from 'node:util';
import { selectBackend, buildModel, createRandom, createTrainer, createInMemoryDataset } from '@advbench/core/testkit';
import type { BackendChoice } from '@advbench/core';
import type { AttackSurface, Tensor1D, Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { createPgdAttack } from '../src/pgd-attack.js';
import { parsePgdOptions } from '../src/pgd-options.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet8' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'wasm' },
    'train-examples': { type: 'string', default: '128' },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
const trainExamples = Number(values['train-examples']);
const { tf, info } = await selectBackend(values.backend as BackendChoice);
const rng = createRandom(1);
const model = buildModel(values.model!, { inputShape: [28, 28, 1], classes: 10, seed: 1 });
const surface: AttackSurface = { name: 'full', description: 'logits', output: 'logits', randomized: false, forward: (x) => model.apply(x, { training: false }) as Tensor2D };
const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1) as Tensor4D;
// Labels = the model's own predictions, so every example starts correctly classified (no early stop for keep 'best').
const y = tf.tidy(() => tf.cast(tf.argMax(surface.forward(x, rng), 1), 'int32')) as Tensor1D;

async function timeAttack(raw: Record<string, unknown>): Promise<number> {
  const attack = createPgdAttack(tf, parsePgdOptions(raw));
  const started = performance.now();
  const adversarial = await attack.run({ surface, x, y, epsilon: 8 / 255, rng: rng.fork('attack') });
  adversarial.dataSync();
  adversarial.dispose();
  return (performance.now() - started) / 1000;
}

await timeAttack({ steps: 1, keep: 'last' }); // warm-up (kernel compilation, weight upload)
const pgdSeconds = await timeAttack({ steps, keep: 'last' });
const pgdBestSeconds = await timeAttack({ steps });

const trainer = createTrainer({
  tf,
  dataset: createInMemoryDataset(tf, { x: tf.randomUniform([trainExamples, 28, 28, 1], 0, 1, 'float32', 3) as Tensor4D, y: tf.randomUniform([trainExamples], 0, 10, 'int32', 4) as Tensor1D, classes: 10 }),
  progress: { train() {} },
  signal: new AbortController().signal,
  logger: { debug() {}, info() {}, warn() {} },
});

async function timeTraining(attackSteps: number): Promise<Record<string, number>> {
  const attack = attackSteps === 0 ? undefined : createPgdAttack(tf, parsePgdOptions({ steps: attackSteps, stepSizeFactor: attackSteps === 1 ? 1.25 : 2.5, keep: 'last' }));
  const result = await trainer.train({
    model,
    epochs: 1,
    batchSize: batch,
    learningRate: 0.01,
    rng: rng.fork('train'),
    phase: 'benchmark',
    transformBatch: attack
      ? async (input, where) => ({
          x: await attack.run({ surface, x: input.x, y: input.y, epsilon: 8 / 255, rng: rng.fork(`${where.step}`) }),
          y: input.y.clone(),
          extraForwardPasses: attackSteps * input.x.shape[0],
          extraBackwardPasses: attackSteps * input.x.shape[0],
        })
      : undefined,
  });
  return { seconds: result.cost.seconds, examplesPerSecond: result.cost.examples / result.cost.seconds, passesPerExample: result.cost.forwardPasses / result.cost.examples };
}

await timeTraining(0); // warm-up
const standard = await timeTraining(0);
const fast = await timeTraining(1);
const pgd7 = await timeTraining(7);
console.log(
  JSON.stringify(
    {
      backend: info,
      model: values.model,
      parameters: model.countParams(),
      batch,
      pgd: { steps, secondsKeepLast: pgdSeconds, secondsKeepBest: pgdBestSeconds, exampleStepsPerSecond: (batch * steps) / pgdSeconds },
      training: { standard, fastAdversarial: fast, pgd7Adversarial: pgd7, fastOverStandard: standard.examplesPerSecond / fast.examplesPerSecond, pgd7OverStandard: standard.examplesPerSecond / pgd7.examplesPerSecond },
      tensorsLeft: tf.memory().numTensors,
      processCpuSeconds: process.cpuUsage().user / 1e6,
    },
    null,
    2,
  ),
);
