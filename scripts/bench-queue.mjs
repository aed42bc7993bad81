#!/usr/bin/env node
/* global setInterval, clearInterval */
// Benchmark (not a test): one sweep on a BullMQ queue computed by 1 worker, then by 2 workers (each --threads 1),
// in one run of this script; writes its section of docs/benchmarks.md.
//
//   npm run build                      # the CLI runs from core/dist
//   node scripts/bench-queue.mjs [--train-samples 3000] [--test-samples 200] [--shard-size 100] [--attacks pgd|quick] [--no-write]
//
// The sweep is the `quick` preset's 3 defenses and epsilons with PGD-20 only (`--attacks quick`: the preset's own
// attack list, adaptive cells and checks included), on fewer examples unless given more
// (`--train-samples 30000 --test-samples 500` is the quick preset's size). Each configuration gets a fresh Redis
// (Debian's redis-server on a free port, no persistence), a fresh model cache and a fresh out folder, so both
// train and compute everything. Workers are started and ready before the coordinator starts; the time is the
// coordinator's wall time from start to exit. The coordinator's CPU time per job is its overhead per job (it
// plans, enqueues, follows and merges; it computes nothing).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index === -1 ? fallback : argv[index + 1];
};
const trainSamples = Number(flag('train-samples', '3000'));
const testSamples = Number(flag('test-samples', '200'));
const shardSize = Number(flag('shard-size', '100'));
const attacks = flag('attacks', 'pgd');
if (attacks !== 'pgd' && attacks !== 'quick') {
  console.error(`bench-queue: --attacks must be pgd or quick, not ${attacks}`);
  process.exit(2);
}
const write = !argv.includes('--no-write');
const cli = join(root, 'core/bin/advbench.js');
const main = join(root, 'core/dist/cli/main.js');
if (!existsSync(main)) {
  console.error('bench-queue: core/dist is missing: run `npm run build` first');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startProcess(command, args, ready) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const readiness = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      if (ready && ready.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)));
    if (!ready) resolve();
  });
  const exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return { child, readiness, exit, output: () => output };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function measure(workers) {
  const folder = mkdtempSync(join(tmpdir(), `advbench-bench-queue-${workers}-`));
  const port = await freePort();
  const redis = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  await redis.readiness;
  const url = `redis://127.0.0.1:${port}`;
  const config = join(folder, 'config.json');
  // The quick preset's defenses and epsilons with PGD-20 alone (the preset's other attacks left out, so the sweep
  // stays the same across versions), or with the preset's own attacks.
  const attackList = attacks === 'pgd' ? { attacks: [{ use: 'pgd', options: { steps: 20 } }] } : {};
  writeFileSync(config, JSON.stringify({ preset: 'quick', dataset: { use: 'fashion-mnist', trainSamples, testSamples }, ...attackList, cacheDirectory: join(folder, 'cache'), evalBatchSize: 50 }));
  const started = [];
  const loads = [];
  const sampleLoad = setInterval(() => loads.push(loadavg()[0]), 5000);
  try {
    for (let index = 1; index <= workers; index += 1) {
      const worker = startProcess(process.execPath, [cli, 'worker', '--queue', url, '--threads', '1', '--name', `w${index}`], /listening on/);
      started.push(worker);
      await worker.readiness;
    }
    // The coordinator in a small wrapper that prints its CPU time when it is done.
    const wrapper = `import { main } from ${JSON.stringify(main)}; const code = await main(['node', 'advbench', ...process.argv.slice(1)]); process.stderr.write('CPU ' + JSON.stringify(process.cpuUsage()) + '\\n'); process.exit(code);`;
    const t0 = Date.now();
    const coordinator = startProcess(process.execPath, ['--input-type=module', '-e', wrapper, 'run', '--config', config, '--out', join(folder, 'out'), '--queue', url, '--shard-size', String(shardSize), '--json']);
    const code = await coordinator.exit;
    const seconds = (Date.now() - t0) / 1000;
    if (code !== 0) throw new Error(`the coordinator exited with ${code}:\n${coordinator.output()}`);
    const usage = JSON.parse(/CPU (\{.*\})/.exec(coordinator.output())[1]);
    const results = JSON.parse(readFileSync(join(folder, 'out', 'results.json'), 'utf8'));
    const perWorker = started.map((worker, index) => ({ name: `w${index + 1}`, jobs: (worker.output().match(/job \S+ done/g) ?? []).length, cpuSeconds: cpuSecondsOf(worker.child.pid) }));
    // The jobs the workers finished (checks' extra cells are one job each, not sharded).
    const jobs = perWorker.reduce((sum, worker) => sum + worker.jobs, 0);
    const training = Object.fromEntries(results.defenses.map((defense) => [defense.name, defense.cost?.seconds ?? 0]));
    const cellSeconds = results.cells.reduce((sum, cell) => sum + cell.seconds, 0);
    return { workers, seconds, cpuSeconds: (usage.user + usage.system) / 1e6, jobs, cells: results.cells.length, accuracies: Object.fromEntries(results.cells.map((cell) => [cell.id, cell.result?.accuracy ?? null])), perWorker, training, cellSeconds, loads: [...loads, loadavg()[0]] };
  } finally {
    clearInterval(sampleLoad);
    for (const worker of started) worker.child.kill('SIGKILL');
    redis.child.kill('SIGKILL');
    await Promise.all([...started.map((worker) => worker.exit), redis.exit]);
    rmSync(folder, { recursive: true, force: true });
  }
}

const one = await measure(1);
console.error(`1 worker: ${one.seconds.toFixed(1)} s`);
const two = await measure(2);
console.error(`2 workers: ${two.seconds.toFixed(1)} s`);
// Compared by cell id: the order cells are recorded in follows which worker finished first.
const differing = [...new Set([...Object.keys(one.accuracies), ...Object.keys(two.accuracies)])].filter((id) => one.accuracies[id] !== two.accuracies[id]);
for (const id of differing) console.error(`cell ${id}: 1 worker ${one.accuracies[id]}, 2 workers ${two.accuracies[id]}`);
const same = differing.length === 0;
const speedUp = one.seconds / two.seconds;
const range = (values) => `${Math.min(...values).toFixed(1)} to ${Math.max(...values).toFixed(1)}`;
const cpuModel = (cpus()[0]?.model ?? 'unknown').trim();
const section = `<!-- bench-queue:start (written by scripts/bench-queue.mjs) -->
## Sweeps on a queue: 1 worker against 2 workers

Latest run: ${new Date().toISOString()}, \`node scripts/bench-queue.mjs --train-samples ${trainSamples} --test-samples ${testSamples} --shard-size ${shardSize}${attacks === 'pgd' ? '' : ` --attacks ${attacks}`}\`.

Machine: ${cpus().length} logical CPUs, ${cpuModel}; 1-minute load average ${range(one.loads)} during the 1-worker row, ${range(two.loads)} during the 2-worker row
(a load above 2 means the workers got only part of the 2 cores, and a
load that differs between the rows skews the ratio). Redis: Debian's redis-server on loopback.

Sweep: the \`quick\` preset's defenses (none, fast adversarial training, INN), ${attacks === 'pgd' ? 'PGD-20' : "its own attacks (PGD-20, transfer, the AutoAttack-style ensemble, INN's adaptive EOT cells) and evaluation checks"} and its epsilons (0 to 32/255), on
${trainSamples} training and ${testSamples} test examples of Fashion-MNIST${trainSamples === 30000 && testSamples === 500 ? " (the quick preset's size)" : ' (smaller than the quick preset, 30000 and 500, to fit the time the benchmark had)'}, evaluation batch 50,
cells split into shards of ${shardSize} test examples: ${one.cells} cells, ${one.jobs} jobs (a train and a release job per defense, the shards).
Each worker runs \`advbench worker --threads 1\` (single-threaded wasm); fresh Redis, model cache and out folder for each row.

| workers | wall time s (coordinator start to exit) | speed-up | coordinator CPU s | coordinator CPU per job ms |
|---|---|---|---|---|
| 1 | ${one.seconds.toFixed(1)} | 1.00x | ${one.cpuSeconds.toFixed(1)} | ${((one.cpuSeconds / one.jobs) * 1000).toFixed(0)} |
| 2 | ${two.seconds.toFixed(1)} | **${speedUp.toFixed(2)}x** | ${two.cpuSeconds.toFixed(1)} | ${((two.cpuSeconds / two.jobs) * 1000).toFixed(0)} |

Who did what: ${[one, two].map((row) => `${row.workers} worker(s): ${row.perWorker.map((worker) => `${worker.name} ${worker.jobs} jobs, ${worker.cpuSeconds.toFixed(0)} CPU s`).join('; ')}`).join('; ')}.
Work in the 1-worker row: training ${Object.entries(one.training).map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`).join(', ')}; cells ${one.cellSeconds.toFixed(0)} s in all
(a defense's training is one job; INN's starts from the base model that \`none\` trains).

Target: >= 1.7x with 2 workers on 2 cores: ${speedUp >= 1.7 ? 'met' : 'not met'} in this run. Per-cell accuracies of the two rows ${same ? 'are identical' : `DIFFER in ${differing.length} of ${Object.keys(one.accuracies).length} cells`}.
The coordinator's CPU time covers everything it did (backend start, plan, enqueue, following the jobs, merging
results into results.sqlite and results.json, the report); it computes nothing. What keeps 2 workers from 2x:
the three train jobs (one per defense) cannot split, so with 2 workers one trains two defenses while the other
computes cells of the first; and each worker opens the dataset and loads each trained model once.
<!-- bench-queue:end -->`;
console.log(section);
if (write) {
  const path = join(root, 'docs/benchmarks.md');
  const text = readFileSync(path, 'utf8');
  const pattern = /<!-- bench-queue:start[\s\S]*?<!-- bench-queue:end -->/;
  writeFileSync(path, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`);
  console.error('wrote docs/benchmarks.md');
}
