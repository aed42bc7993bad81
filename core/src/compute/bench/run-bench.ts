import type { BackendChoice } from '../../config/run-spec.js';
import type { BackendInfo } from '../../store/result-types.js';
import type { Logger, Tensor1D, Tensor4D } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import type { LayersModel } from '../../plugin-api/index.js';
import { buildBenchResnet, countTrainableParameters } from '../../models/zoo/bench-resnet.js';
import { buildModel, findModel } from '../../models/zoo/model-zoo.js';
import { createRandom } from '../../random/seeded-random.js';
import { selectBackend } from '../select-backend.js';
import { createInputGradient } from '../input-gradient.js';
import { createTrainStep } from '../train-step.js';
import { medianMilliseconds } from './median.js';

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** A zoo model name (`advbench models list`); default `bench-resnet`. */
  model?: string;
  /** Examples per batch. */
  batch: number;
  /** bench-resnet width (bench-resnet only; the other zoo models have their own). */
  width: number;
  /** Image side (square images). */
  size: number;
  /** Image channels. */
  channels: number;
  /** Classes of the head (default 10). */
  classes?: number;
  /** Compute backend. */
  backend: BackendChoice;
  /** Untimed runs before timing (default 3, as the peer). */
  warmup?: number;
  /** Timed runs; the median is reported (default 10, as the peer). */
  repeat?: number;
  /** Threads for the wasm backend. */
  threads?: number;
  /** Where the backend choice is logged. */
  logger?: Logger;
}

/** What `advbench bench` prints: the same fields as the PyTorch peer (`shared/peer/torch_bench.py`) plus the backend. */
export interface BenchResult {
  /** Backend name: `tensorflow`, `webgpu`, `wasm` or `cpu`. */
  backend: string;
  /** Backend details (package, version, threads, SIMD; the WebGPU adapter and its limits). */
  backendInfo: BackendInfo;
  /** Zoo model name, for example `bench-resnet` or `resnet50`. */
  model: string;
  batch: number;
  width: number;
  size: number;
  channels: number;
  classes: number;
  /** Trainable parameters (equal to the peer's `params`). */
  params: number;
  /** Median ms of one inference forward pass (eval mode). */
  fwdMs: number;
  /** Median ms of one PGD step's work: forward + gradient of the cross-entropy w.r.t. the input (eval mode). */
  inputGradMs: number;
  /** Median ms of one SGD-with-momentum step (train mode; lr 0.01, momentum 0.9, weight decay 5e-4 as the peer). */
  trainStepMs: number;
  /** Warm-up and timed runs. */
  warmup: number;
  repeat: number;
}

const DEFAULT_CLASSES = 10;
const BENCH_RESNET = 'bench-resnet';

function checkPositiveInteger(name: string, value: number, minimum = 1): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw inputError('ADVBENCH_ERR_BENCH_OPTION', `bench: --${name} must be an integer >= ${minimum}, got ${value}`, { details: { option: name, value } });
  }
}

/** Builds the benchmarked model: bench-resnet at the given width, or any zoo model (seeded weights, seed 0). */
function buildBenchModel(name: string, width: number, size: number, channels: number, classes: number): LayersModel {
  if (name === BENCH_RESNET) {
    return buildBenchResnet({ width, inputShape: [size, size, channels], classes, seed: 0 });
  }
  return buildModel(name, { inputShape: [size, size, channels], classes, seed: 0 });
}

/**
 * Times a zoo model (bench-resnet by default) on the chosen backend the way the PyTorch peer does: forward,
 * input gradient (a PGD step's work) and one SGD-with-momentum training step, each the median of `repeat` runs
 * after `warmup` runs. Images uniform in [0, 1], labels uniform over the classes (seed 0). Every timed run ends
 * with its result read back (asynchronously, so GPU backends are timed to completion). Unknown models and
 * shapes the model cannot take are exit-2 errors, raised before the backend loads.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const warmup = options.warmup ?? 3;
  const repeat = options.repeat ?? 10;
  checkPositiveInteger('batch', options.batch);
  checkPositiveInteger('width', options.width);
  checkPositiveInteger('size', options.size, 4);
  checkPositiveInteger('channels', options.channels);
  const classes = options.classes ?? DEFAULT_CLASSES;
  checkPositiveInteger('classes', classes, 2);
  checkPositiveInteger('warmup', warmup, 0);
  checkPositiveInteger('repeat', repeat);
  const name = options.model ?? BENCH_RESNET;
  const { batch, width, size, channels } = options;
  if (name !== BENCH_RESNET) {
    // Unknown names and unusable shapes fail here, before any backend or weight work.
    findModel(name).checkInput?.([size, size, channels]);
  }
  const { tf, info } = await selectBackend(options.backend, { threads: options.threads, logger: options.logger });
  const model = buildBenchModel(name, width, size, channels, classes);
  const rng = createRandom(0);
  const x = tf.tensor4d(Float32Array.from({ length: batch * size * size * channels }, () => rng.next()), [batch, size, size, channels]) as Tensor4D;
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(classes)), 'int32') as Tensor1D;
  const inputGradient = createInputGradient(tf, model);
  const trainStep = createTrainStep(tf, model, { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  try {
    const fwdMs = await medianMilliseconds(async () => {
      const logits = tf.tidy(() => model.apply(x, { training: false }) as Tensor4D);
      await readAndDispose(logits);
    }, warmup, repeat);
    const inputGradMs = await medianMilliseconds(async () => {
      await readAndDispose(inputGradient(x, y));
    }, warmup, repeat);
    const trainStepMs = await medianMilliseconds(async () => {
      await trainStep.run(x, y);
    }, warmup, repeat);
    return {
      backend: info.name,
      backendInfo: info,
      model: name,
      batch,
      width,
      size,
      channels,
      classes,
      params: countTrainableParameters(model),
      fwdMs: round(fwdMs),
      inputGradMs: round(inputGradMs),
      trainStepMs: round(trainStepMs),
      warmup,
      repeat,
    };
  } finally {
    trainStep.dispose();
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

/** Reads a result back (waits for the backend to finish it) and disposes it. */
async function readAndDispose(tensor: Tensor4D | Tensor1D): Promise<void> {
  try {
    await tensor.data();
  } finally {
    tensor.dispose();
  }
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
