/**
 * One-off check that Keras applications ResNet weights load into the zoo model and give Keras' logits.
 * First export a folder with `keras-export.py` (needs Python keras + tensorflow), then:
 *
 *   npx tsx core/src/models/tools/compare-with-keras.mts /tmp/keras-resnet50 resnet50 64
 *
 * Prints the parameter and layer counts of both, whether the layer names match, and the largest logit difference
 * for both loading paths (`loadWeightsInto` a zoo model, and `loadModel` on the folder).
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../compute/select-backend.js';
import { countParameters } from '../count-parameters.js';
import { loadModel } from '../io/load-model.js';
import { loadWeightsInto } from '../io/load-weights-into.js';
import { buildModel } from '../zoo/model-zoo.js';

const [folder, name, size] = [process.argv[2], process.argv[3], Number(process.argv[4])];
if (!folder || !name || !Number.isInteger(size)) throw new Error('usage: compare-with-keras.mts FOLDER resnet50|resnet101|resnet152 SIZE');
await selectBackend('wasm');
const reference = JSON.parse(await readFile(`${folder}/reference.json`, 'utf8')) as { input: number[]; shape: number[]; logits: number[]; params: number; layers: number; names: string[] };
const x = tf.tensor4d(reference.input, reference.shape as [number, number, number, number]);

function compare(label: string, model: tf.LayersModel): void {
  const got = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
  let maxError = 0;
  let maxLogit = 0;
  got.forEach((value, index) => {
    maxError = Math.max(maxError, Math.abs(value - reference.logits[index]));
    maxLogit = Math.max(maxLogit, Math.abs(reference.logits[index]));
  });
  console.log(`${label}: max |logit difference| ${maxError.toExponential(2)} (largest |logit| ${maxLogit.toFixed(3)})`);
}

const zoo = buildModel(name, { inputShape: [size, size, 3], classes: 1000, seed: 0, initialization: 'zeros' });
const ours = zoo.layers.map((layer) => layer.name).filter((layer) => layer !== 'input' && layer !== 'caffe_preprocessing');
console.log(`parameters: keras ${reference.params}, zoo ${countParameters(zoo)}; layers: keras ${reference.layers}, zoo ${zoo.layers.length} (input and caffe_preprocessing extra)`);
console.log(`layer names after the input equal: ${JSON.stringify(ours) === JSON.stringify(reference.names.slice(1))}`);
await loadWeightsInto(zoo, folder);
compare('loadWeightsInto', zoo);
const loaded = await loadModel(folder);
compare(`loadModel (loaded as ${loaded.name})`, loaded);
zoo.dispose();
loaded.dispose();
x.dispose();
