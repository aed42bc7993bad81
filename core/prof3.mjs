import { selectBackend } from './dist/compute/select-backend.js';
import { buildBenchResnet } from './dist/models/zoo/bench-resnet.js';
import { createInputGradient } from './dist/compute/input-gradient.js';
const [b, w, s, c] = (process.argv[2] ?? '32,8,28,1').split(',').map(Number);
const { tf } = await selectBackend('wasm', {});
const model = buildBenchResnet({ width: w, inputShape: [s, s, c], classes: 10, seed: 0 });
const x = tf.randomUniform([b, s, s, c]); const y = tf.tensor1d(Array.from({length:b},(_, i)=>i%10),'int32');
const g = createInputGradient(tf, model);
for (let i = 0; i < 5; i++) { const r = g(x, y); await r.data(); r.dispose(); }
const agg = {};
for (let rep = 0; rep < 10; rep++) {
  const p = await tf.profile(async () => { const r = g(x, y); await r.data(); r.dispose(); });
  p.kernels.forEach((k, i) => { if (/Conv|scope/.test(k.name)) return; const key = `${i} ${k.name} ${JSON.stringify(k.inputShapes)}->${JSON.stringify(k.outputShapes)}`; agg[key] = Math.min(agg[key] ?? 1e9, k.kernelTimeMs); });
}
for (const [k, v] of Object.entries(agg)) console.log(v.toFixed(3), k);
process.exit(0);
