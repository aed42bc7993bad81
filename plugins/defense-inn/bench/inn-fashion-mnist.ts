/**
 * Benchmark: INN (paper main setting) on the shipped Fashion-MNIST at the `quick` preset's scale, trained from an
 * undefended base on this machine's backend. Prints one JSON line with timings and clean accuracies.
 *
 *   npx tsx plugins/defense-inn/bench/inn-fashion-mnist.ts [trainSamples=6000] [testSamples=500] [baseEpochs=3] [innEpochs=4] [learningRate=0.01]
 *   (INN_BENCH_BACKEND=wasm|cpu|tensorflow|auto picks the backend; default auto)
 *
 * The base model (trained like the quick preset's `none`: batch 64, learning rate 0.05) is kept in the system temp
 * folder and reused by later invocations with the same sizes. The INN cache lives in a fresh temporary folder, so
 * every invocation trains INN; a second `prepare` in the same process shows the cache hit. Clean accuracy is
 * reported for the paper's rule, for the last checkpoint alone and for the authors' code's rule.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-layers';
import { FileModelCache, selectBackend, openDataset, createDatasetAccess, tensorBatches, createModelAccess, createRandom, createPluginContext, createTrainer } from '@advbench/core/testkit';
import type { BackendChoice } from '@advbench/core';
import { applyPreset, type LayersModel, type Tensor2D, type Tensor4D, type TrainProgress } from '@advbench/core/plugin-api';
import innDefense from '../src/index.js';

const [trainSamples = 6000, testSamples = 500, baseEpochs = 3, innEpochs = 4, learningRate = 0.01] = process.argv.slice(2).map(Number);
const { tf, info: backend } = await selectBackend((process.env.INN_BENCH_BACKEND ?? 'auto') as BackendChoice);
const dataset = await openDataset({ reference: 'fashion-mnist', trainSamples, testSamples }, { seed: 0 });
const access = createDatasetAccess(tf, dataset);
const models = createModelAccess({ architecture: 'bench-resnet', inputShape: dataset.info.inputShape });
const rng = createRandom(0);
const logger = { debug() {}, info() {}, warn() {} };
let lastReport = 0;
const progress = {
  train(event: TrainProgress) {
    const now = Date.now();
    if (now - lastReport > 10_000 || event.step === event.steps) {
      lastReport = now;
      process.stderr.write(`${event.phase} epoch ${event.epoch}/${event.epochs} step ${event.step}/${event.steps} loss ${event.loss.toFixed(3)} ${event.examplesPerSecond.toFixed(0)} ex/s\n`);
    }
  },
};

async function cleanAccuracy(predict: (x: Tensor4D) => Tensor2D): Promise<number> {
  let correct = 0;
  for await (const batch of tensorBatches(tf, dataset.test, { batchSize: 100 })) {
    const probabilities = predict(batch.x);
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), batch.y), 'int32')).dataSync()[0]);
    tf.dispose([probabilities, batch.x, batch.y]);
  }
  return correct / dataset.test.count;
}

const baseFolder = join(tmpdir(), `advbench-inn-bench-base-${trainSamples}-${baseEpochs}`);
let baseModel: LayersModel;
let baseSeconds = Number.NaN;
if (existsSync(join(baseFolder, 'model.json'))) {
  baseModel = await models.load(baseFolder);
} else {
  baseModel = models.create({ classes: dataset.info.classes, rng: rng.fork('base') });
  const trainer = createTrainer({ tf, dataset: access, progress, signal: new AbortController().signal, logger });
  const baseResult = await trainer.train({ model: baseModel, epochs: baseEpochs, batchSize: 64, learningRate: 0.05, rng: rng.fork('base-train'), phase: 'base' });
  baseSeconds = baseResult.cost.seconds;
  await models.save(baseModel, baseFolder);
}
const baseCost = { seconds: baseSeconds, examples: trainSamples * baseEpochs, forwardPasses: trainSamples * baseEpochs, backwardPasses: trainSamples * baseEpochs, cached: false };
const baseAccuracy = await cleanAccuracy((x) => tf.tidy(() => tf.softmax(baseModel.apply(x, { training: false }) as Tensor2D)));

const cache = new FileModelCache(mkdtempSync(join(tmpdir(), 'advbench-inn-bench-')), { datasetHash: dataset.info.contentHash, architecture: models.architecture, seed: 0, codeVersion: 'bench' });
const context = () =>
  createPluginContext({ tf, dataset: access, models, cache, rng: rng.fork('inn'), progress, logger, entryName: 'inn', base: async () => ({ model: baseModel, key: 'bench-base', cost: baseCost }) });
const raw = { preset: 'main', epochs: innEpochs, attackCheckpoint: Math.min(3, innEpochs), batchSize: 64, learningRate };
const options = innDefense.parseOptions(applyPreset(raw, innDefense.presets, 'inn'));
const defense = await innDefense.create(context(), options);
await defense.prepare();
const innAccuracy = await cleanAccuracy((x) => defense.classifier.predict(x, rng.fork('eval')));
const hitStarted = performance.now();
const again = await innDefense.create(context(), innDefense.parseOptions(applyPreset({ ...raw, votingCheckpoints: 1 }, innDefense.presets, 'inn')));
await again.prepare();
const hitSeconds = (performance.now() - hitStarted) / 1000;
const lastCheckpointAccuracy = await cleanAccuracy((x) => again.classifier.predict(x, rng.fork('eval')));
const authors = await innDefense.create(context(), innDefense.parseOptions(applyPreset({ ...raw, preset: 'authors-code' }, innDefense.presets, 'inn')));
await authors.prepare();
const authorsRuleAccuracy = await cleanAccuracy((x) => authors.classifier.predict(x, rng.fork('eval')));
console.log(
  JSON.stringify({
    backend: backend.name,
    trainSamples,
    testSamples,
    base: { epochs: baseEpochs, seconds: baseSeconds, cleanAccuracy: baseAccuracy },
    inn: { epochs: innEpochs, learningRate, cost: defense.cost(), epochLosses: defense.describe().epochLosses, cleanAccuracy: innAccuracy, lastCheckpointAccuracy, authorsRuleAccuracy },
    cacheHit: { cached: again.cost().cached, seconds: hitSeconds },
  }),
);
defense.dispose();
again.dispose();
authors.dispose();
baseModel.dispose();
