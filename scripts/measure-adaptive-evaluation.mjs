// Measures what the adaptive evaluation of a randomized defense needs, on the quick preset's INN (same training
// settings; a stratified test subset): the clean accuracy's draw-to-draw spread for several judge-draw counts, and
// the accuracy of PGD with EOT on the `full` surface for several EOT sample and step counts (convergence), with the
// seconds each took (stacked and sequential EOT). Usage: node scripts/measure-adaptive-evaluation.mjs [--n 500]
// [--train-samples 12000] [--attack-n 100] [--epsilons 8,16] [--grid 4x10,8x10,4x20 | none] [--seeds 4] [--draws 1,4,8]. Prints JSON lines.
/* global AbortController */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRunSpec, createRandom, hashString, openRunScope, createDefenses, prepareDefense, defenseEntry, releaseRunScope, EventBus, PluginRegistry } from '../core/dist/index.js';
import { selectBackend } from '../core/dist/compute/select-backend.js';
import { loadRunServices } from '../core/dist/run/run-services.js';
import { evaluateBatch } from '../core/dist/run/evaluate-batch.js';
import { judgeSeed } from '../core/dist/run/cell-plan.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    'train-samples': { type: 'string', default: '12000' },
    'attack-n': { type: 'string', default: '100' },
    epsilons: { type: 'string', default: '8' },
    grid: { type: 'string', default: '2x10,4x10,8x10,4x20' },
    seeds: { type: 'string', default: '4' },
    draws: { type: 'string', default: '1,4,8' },
    cache: { type: 'string', default: '.advbench-cache' },
    stacking: { type: 'string', default: 'stacked' },
  },
});
const logger = { debug() {}, info() {}, warn: (message) => console.error(message) };
const print = (record) => console.log(JSON.stringify(record));
const started = Date.now();
const spec = await loadRunSpec({ preset: 'quick', overrides: { out: mkdtempSync(join(tmpdir(), 'advbench-measure-')), testSamples: Number(values.n), trainSamples: Number(values['train-samples']) }, cwd: process.cwd() });
spec.defenses = spec.defenses.filter((entry) => entry.use !== 'adv-training');
spec.cacheDirectory = values.cache;
spec.eotSamples = 0;
const scope = await openRunScope({ spec, registry: await PluginRegistry.create({ cwd: process.cwd() }), events: new EventBus('measure'), services: await loadRunServices(), backend: await selectBackend('wasm', { logger }), logger, signal: new AbortController().signal, random: createRandom(spec.seed) });
const { tf } = scope;
await createDefenses(scope, ['inn']);
const prepared = await prepareDefense(scope, 'inn');
if (prepared.status !== 'ready') throw new Error(`prepare: ${prepared.status} ${prepared.message ?? ''}`);
print({ stage: 'prepared', seconds: (Date.now() - started) / 1000, cost: prepared.cost });
const instance = defenseEntry(scope, 'inn').instance;
const classes = scope.dataset.info.classes;
const batches = [];
for await (const batch of scope.dataset.test.batches({ batchSize: spec.evalBatchSize })) batches.push(batch);

async function accuracy({ limit, draws, judgeSalt, attack, surface, epsilon }) {
  let correct = 0;
  let examples = 0;
  for (const batch of batches) {
    if (examples >= limit) break;
    const x = tf.tensor4d(batch.images, [batch.count, ...batch.shape]);
    const y = tf.tensor1d(batch.labels, 'int32');
    const outcome = await evaluateBatch({
      tf, x, y, epsilon, attack, surface, classifier: instance.classifier, classes,
      rng: createRandom(hashString(`attack|${batch.indices[0]}`)),
      judgeRng: createRandom(hashString(`${judgeSalt}|${judgeSeed(spec.seed, 'inn', batch.indices[0], batch.count)}`)),
      judgeDraws: draws,
    });
    tf.dispose([x, y]);
    correct += outcome.correct.reduce((sum, value) => sum + value, 0);
    examples += batch.count;
  }
  return { accuracy: correct / examples, examples };
}

for (const draws of values.draws === 'none' ? [] : values.draws.split(',').map(Number)) {
  const at = Date.now();
  const accuracies = [];
  for (let seed = 0; seed < Number(values.seeds); seed += 1) accuracies.push((await accuracy({ limit: Infinity, draws, judgeSalt: seed, epsilon: 0 })).accuracy);
  const mean = accuracies.reduce((a, b) => a + b) / accuracies.length;
  const sd = Math.sqrt(accuracies.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (accuracies.length - 1));
  print({ stage: 'judge-spread', n: Number(values.n), judgeDraws: draws, accuracies, mean, sdPoints: sd * 100, rangePoints: (Math.max(...accuracies) - Math.min(...accuracies)) * 100, secondsPerJudgement: (Date.now() - at) / 1000 / accuracies.length });
}

const pgd = (await scope.registry.resolveAttack('pgd', 'measure')).plugin;
const full = instance.surfaces().find((surface) => surface.name === 'full');
for (const epsilon of values.epsilons.split(',').map((value) => Number(value) / 255)) {
  for (const cell of values.grid === 'none' ? [] : values.grid.split(',')) {
    const [eotSamples, steps] = cell.split('x').map(Number);
    for (const stacking of values.stacking.split(',')) {
      const attack = pgd.create({ tf, rng: createRandom(0) }, pgd.parseOptions({ steps, eotSamples, eotStacked: stacking === 'stacked' }));
      const at = Date.now();
      const result = await accuracy({ limit: Number(values['attack-n']), draws: spec.judgeDraws, judgeSalt: 0, attack, surface: full, epsilon });
      const seconds = (Date.now() - at) / 1000;
      print({ stage: 'eot', epsilon255: epsilon * 255, eotSamples, steps, stacking, ...result, seconds, secondsPerExample: seconds / result.examples });
    }
  }
}
await releaseRunScope(scope);
print({ stage: 'done', seconds: (Date.now() - started) / 1000 });
