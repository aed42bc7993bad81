#!/usr/bin/env node
// Regenerates docs/benchmarks.md's speed sections in one run: bench-resnet against the PyTorch peer
// (scripts/bench-vs-torch.mjs, both shapes, default and thread-matched), then ResNet-50 at 224x224 against
// torchvision (scripts/bench-model-vs-torch.mjs). Each script writes its own section; the others are kept.
// Usage: node scripts/bench-all.mjs [--rounds 3]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const index = argv.indexOf('--rounds');
const rounds = index === -1 ? '3' : argv[index + 1];
const started = Date.now();
for (const [script, args] of [['bench-vs-torch.mjs', ['--rounds', rounds]], ['bench-model-vs-torch.mjs', []]]) {
  process.stderr.write(`bench-all: ${script} ${args.join(' ')}\n`);
  execFileSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: 'inherit' });
}
process.stderr.write(`bench-all: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
