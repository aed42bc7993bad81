#!/usr/bin/env node
// Benchmark (not a test): a zoo model (ResNet-50 by default) in advbench against torchvision's in the PyTorch peer,
// at 1 thread and at 2 threads (or --threads-list), all sides in one run, alternating, so the ratios come from
// one run on one machine state. Writes its section of docs/benchmarks.md (between the zoo-model-bench markers;
// scripts/bench-vs-torch.mjs keeps that section when it rewrites the file).
//
//   npm run build
//   node scripts/bench-model-vs-torch.mjs [--model resnet50] [--size 224] [--batch 8] [--classes 1000]
//        [--backend wasm] [--threads-list 1,2] [--warmup 1] [--repeat 3] [--no-write]
//
// The peer: shared/peer/torch_bench.py --model <name> (Debian python3-torch and python3-torchvision). The two
// ResNets are the same architecture; advbench's follows Keras' layout (biases on every convolution) where
// torchvision's convolutions have none, so the parameter counts differ by those biases (printed).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index === -1 ? fallback : argv[index + 1];
};
const model = flag('model', 'resnet50');
const size = flag('size', '224');
const batch = flag('batch', '8');
const classes = flag('classes', '1000');
const backend = flag('backend', 'wasm');
const warmup = flag('warmup', '1');
const repeat = flag('repeat', '3');
const threadsList = flag('threads-list', '1,2').split(',').map(Number);
const write = !argv.includes('--no-write');
const python = flag('python', '/usr/bin/python3');
const peer = [flag('peer', ''), join(root, 'shared/peer/torch_bench.py'), join(root, '../shared/peer/torch_bench.py')].filter(Boolean).find((path) => existsSync(path));
const cli = join(root, 'core/bin/advbench.js');
const BEGIN = '<!-- zoo-model-bench:begin -->';
const END = '<!-- zoo-model-bench:end -->';

if (!peer) {
  console.error('bench-model-vs-torch: the PyTorch peer torch_bench.py was not found; pass --peer <path>');
  process.exit(2);
}
const fields = ['fwdMs', 'inputGradMs', 'trainStepMs'];
const common = ['--model', model, '--size', size, '--channels', '3', '--classes', classes, '--batch', batch, '--warmup', warmup, '--repeat', repeat];

function runJson(command, args) {
  const output = execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(output.trim().split('\n').filter((text) => text.startsWith('{')).pop());
}

const started = new Date();
const loads = [];
const rows = [];
for (const threads of threadsList) {
  loads.push(loadavg()[0]);
  const ours = runJson(process.execPath, [cli, 'bench', '--json', '--backend', backend, '--threads', String(threads), ...common]);
  loads.push(loadavg()[0]);
  const torch = runJson(python, [peer, '--threads', String(threads), ...common]);
  const show = (result) => fields.map((field) => result[field]).join(' / ');
  process.stderr.write(`${threads} thread(s): advbench ${show(ours)} ms (${ours.backendInfo.threads} threads), torch ${show(torch)} ms (${torch.threads} threads)\n`);
  rows.push({ threads, ours, torch });
}
loads.push(loadavg()[0]);

const format = (value) => value.toFixed(value < 10 ? 2 : 1);
const timings = (result) => fields.map((field) => format(result[field])).join(' | ');
const lines = ['| threads | | forward ms | input grad ms (PGD step) | train step ms |', '|---|---|---|---|---|'];
for (const { threads, ours, torch } of rows) {
  lines.push(`| ${threads} | advbench, tfjs ${ours.backendInfo.name} (${ours.backendInfo.threads} thread${ours.backendInfo.threads === 1 ? '' : 's'}${ours.backendInfo.simd ? ', SIMD' : ''}) | ${timings(ours)} |`);
  lines.push(`| | PyTorch ${torch.torch}, torchvision ${model} (${torch.threads} thread${torch.threads === 1 ? '' : 's'}) | ${timings(torch)} |`);
  lines.push(`| | **ratio advbench / PyTorch** | ${fields.map((field) => `**${(ours[field] / torch[field]).toFixed(2)}x**`).join(' | ')} |`);
}
const table = lines.join('\n');
console.log(table);
const section = `${BEGIN}
## ${model} at ${size}x${size}x3, batch ${batch}, ${classes} classes: advbench against torchvision

Run: ${started.toISOString()}, \`node scripts/bench-model-vs-torch.mjs --model ${model} --size ${size} --batch ${batch} --classes ${classes} --backend ${backend} --warmup ${warmup} --repeat ${repeat}\`
(every row from this one run; each figure the median of ${repeat} timings after ${warmup} warm-up run${warmup === '1' ? '' : 's'}).
Machine: ${cpus().length} logical CPUs, ${cpus()[0]?.model ?? 'unknown'}, shared with other jobs: 1-minute load average
${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} during the run, so single figures are noisy (a rerun on an idle machine is the
reference). Models: advbench's zoo \`${model}\` (Keras applications layout: biases on every convolution, ${rows[0].ours.params}
parameters) and torchvision's \`${model}\` (${rows[0].torch.params} parameters, no convolution biases); random weights,
images uniform in [0, 1].

${table}
${END}
`;
if (write) {
  const path = join(root, 'docs/benchmarks.md');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next = begin !== -1 && end > begin ? `${current.slice(0, begin)}${section}${current.slice(end + END.length + 1)}` : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(path, next);
  console.error('wrote docs/benchmarks.md');
}
