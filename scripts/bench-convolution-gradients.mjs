// Per-layer timing of bench-resnet's convolutions on the wasm backend: forward Conv2D, Conv2DBackpropInput and
// Conv2DBackpropFilter, medians over `--repeat` runs. Needs `npx turbo run build` (imports core/dist).
// Usage: node scripts/bench-convolution-gradients.mjs [--repeat 10] [--setting large|small|both]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../core/dist/compute/wasm-kernels/register-wasm-kernels.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
};
const repeat = Number(argument('repeat', '10'));
const setting = argument('setting', 'both');
const stock = process.argv.includes('--stock');

/** The 9 convolutions of bench-resnet: input shape [N, H, W, C], filter [kh, kw, Ci, Co], stride, padding. */
function layers(batch, width, size, channels) {
  const half = size / 2;
  const quarter = Math.ceil(half / 2);
  return [
    { name: 'stem', x: [batch, size, size, channels], filter: [3, 3, channels, width], stride: 1, pad: 'same', inputGradient: false },
    { name: 'block1_conv', x: [batch, size, size, width], filter: [3, 3, width, width], stride: 1, pad: 'same', count: 2 },
    { name: 'block2_conv1', x: [batch, size + 2, size + 2, width], filter: [3, 3, width, 2 * width], stride: 2, pad: 'valid' },
    { name: 'block2_conv2', x: [batch, half, half, 2 * width], filter: [3, 3, 2 * width, 2 * width], stride: 1, pad: 'same' },
    { name: 'block2_short', x: [batch, size, size, width], filter: [1, 1, width, 2 * width], stride: 2, pad: 'valid' },
    { name: 'block3_conv1', x: [batch, half + 2, half + 2, 2 * width], filter: [3, 3, 2 * width, 4 * width], stride: 2, pad: 'valid' },
    { name: 'block3_conv2', x: [batch, quarter, quarter, 4 * width], filter: [3, 3, 4 * width, 4 * width], stride: 1, pad: 'same' },
    { name: 'block3_short', x: [batch, half, half, 2 * width], filter: [1, 1, 2 * width, 4 * width], stride: 2, pad: 'valid' },
  ];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs once and waits for the values (not inside tf.tidy: tidy would walk the returned array element by element). */
function once(run) {
  const output = run();
  output.dataSync();
  output.dispose();
}

function time(run) {
  for (let index = 0; index < 2; index += 1) once(run);
  const times = [];
  for (let index = 0; index < repeat; index += 1) {
    const start = performance.now();
    once(run);
    times.push(performance.now() - start);
  }
  return median(times);
}

function benchLayer(layer) {
  const x = tf.randomUniform(layer.x, -1, 1);
  const filter = tf.randomUniform(layer.filter, -1, 1);
  const strides = [layer.stride, layer.stride];
  const y = tf.conv2d(x, filter, strides, layer.pad);
  const dy = tf.randomUniform(y.shape, -1, 1);
  const forward = time(() => tf.conv2d(x, filter, strides, layer.pad));
  const input = layer.inputGradient === false ? 0 : time(() => tf.conv2dTranspose(dy, filter, layer.x, strides, layer.pad));
  const filterGradient = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides, pad: layer.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: layer.filter,
  }));
  tf.dispose([x, filter, y, dy]);
  return { forward, input, filterGradient };
}

if (!stock) registerWasmKernels();
await tf.setBackend('wasm');
const settings = { large: [64, 16, 32, 3], small: [32, 8, 28, 1] };
for (const [name, values] of Object.entries(settings)) {
  if (setting !== 'both' && setting !== name) continue;
  console.log(`\n${name}: batch ${values[0]}, width ${values[1]}, ${values[2]}x${values[2]}x${values[3]}`);
  console.log('layer          count  fwd ms   dx ms   dw ms');
  const total = { forward: 0, input: 0, filterGradient: 0 };
  for (const layer of layers(...values)) {
    const result = benchLayer(layer);
    const count = layer.count ?? 1;
    for (const key of Object.keys(total)) total[key] += count * result[key];
    console.log(`${layer.name.padEnd(14)} ${String(count).padStart(5)} ${result.forward.toFixed(2).padStart(7)} ${result.input.toFixed(2).padStart(7)} ${result.filterGradient.toFixed(2).padStart(7)}`);
  }
  console.log(`${'total'.padEnd(20)} ${total.forward.toFixed(1).padStart(7)} ${total.input.toFixed(1).padStart(7)} ${total.filterGradient.toFixed(1).padStart(7)}`);
}
