import type { AttackFactory } from './attack-types.js';
import type { TrainingCost } from './defense-types.js';
import type { OptionsReader } from './options-reader.js';
import type { RandomSource } from './random-types.js';
import type { ImageShape, LayersModel, Tensor1D, Tensor4D, TensorFlow } from './tensor-types.js';

/** Structured logging. Fields are JSON-serialisable. */
export interface Logger {
  /** Debug detail, hidden unless verbose. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal information. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something the user should know about. */
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Training progress, emitted as `train-progress` events for this defense. */
export interface TrainProgress {
  /** What is being trained, for example `base`, `epoch 2`, `adversarial`. */
  phase: string;
  /** Current epoch, 1-based. */
  epoch: number;
  /** Epochs in all. */
  epochs: number;
  /** Step within the epoch, 1-based. */
  step: number;
  /** Steps per epoch. */
  steps: number;
  /** Mean training loss of the last step. */
  loss: number;
  /** Training examples per second, averaged over the epoch so far. */
  examplesPerSecond: number;
  /** Estimated seconds left for this training. */
  etaSeconds: number;
}

/** Where a plugin reports progress. */
export interface ProgressSink {
  /** Reports training progress (throttled by the runner; call as often as every step). */
  train(progress: TrainProgress): void;
}

/** Facts about the run's dataset (after subsetting). */
export interface DatasetInfo {
  /** Dataset reference as configured, for example `fashion-mnist` or `idx:/data/mnist`. */
  name: string;
  /** [height, width, channels] of the images the model sees. */
  inputShape: ImageShape;
  /** Number of classes C. */
  classes: number;
  /** Class names, C entries. */
  classNames: string[];
  /** Training examples available to the run (after `trainSamples`). */
  trainCount: number;
  /** Test examples the sweep evaluates (after `testSamples`). */
  testCount: number;
  /** True when the files' checksums were verified against known values. */
  checksumsVerified: boolean;
  /** Content hash of the data the run uses (files and subset), part of every cache key. */
  contentHash: string;
}

/** One batch of labelled images. The consumer owns and disposes both tensors. */
export interface LabelledBatch {
  /** Images [batch, h, w, c], float32 in [0, 1]. */
  x: Tensor4D;
  /** Class indices, int32. */
  y: Tensor1D;
  /**
   * Positions of these examples in the training split (0..trainCount-1), when the dataset knows them (every
   * built-in dataset does): defenses that keep per-example state across epochs (IAAT's radii) index it by these.
   */
  indices?: Int32Array;
}

/** The run's training data, as plugins see it. */
export interface DatasetAccess {
  /** Facts about the data. */
  readonly info: DatasetInfo;
  /** One epoch of training batches (the last may be short), shuffled by `rng` unless `shuffle` is false. */
  trainBatches(options: { batchSize: number; rng: RandomSource; shuffle?: boolean }): AsyncIterable<LabelledBatch>;
}

/** Building, copying, saving and loading models of the run's configured architecture. */
export interface ModelAccess {
  /** Zoo name of the configured architecture, for example `resnet20`. */
  readonly architecture: string;
  /** A fresh model of the configured architecture for the run's input shape, initialised from `rng`. */
  create(options: { classes: number; rng: RandomSource }): LayersModel;
  /** A new model with every weight of `model` copied except the head, which gets `classes` outputs (initialised from `rng`). */
  withHead(model: LayersModel, options: { classes: number; rng: RandomSource }): LayersModel;
  /** A deep copy (new variables) of `model`. */
  clone(model: LayersModel): LayersModel;
  /** Saves in tfjs layers format, atomically (temp name, then rename). */
  save(model: LayersModel, directory: string): Promise<void>;
  /** Loads a model saved by `save` (or converted from Keras); bad files throw exit-2 errors naming the layer or file. */
  load(directory: string): Promise<LayersModel>;
}

/** Options of one SGD training run (the shared loop every defense uses). */
export interface TrainOptions {
  /** The model to train in place. */
  model: LayersModel;
  /** Epochs. */
  epochs: number;
  /** Batch size. */
  batchSize: number;
  /** Learning rate; a function gets the 0-based epoch and the fraction of it done, for schedules. */
  learningRate: number | ((epoch: number, fractionOfEpoch: number) => number);
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Weight decay added to every gradient as `decay * w`, like PyTorch's SGD (default 5e-4). */
  weightDecay?: number;
  /** Shuffling randomness. */
  rng: RandomSource;
  /** Progress phase label. */
  phase: string;
  /**
   * Replaces a batch before the step (INN's noise and backgrounds, adversarial examples...). The trainer disposes
   * the returned tensors and the original batch. `passes` counts the extra example forward/backward passes spent.
   */
  transformBatch?(batch: LabelledBatch, where: { epoch: number; step: number }): Promise<TransformedBatch> | TransformedBatch;
  /** Called after each epoch (0-based), for example to save a checkpoint. */
  onEpochEnd?(epoch: number): Promise<void> | void;
}

/** What `transformBatch` returns. */
export interface TransformedBatch extends LabelledBatch {
  /** Extra example forward passes spent building this batch (PGD steps x batch). */
  extraForwardPasses?: number;
  /** Extra example backward passes spent building this batch. */
  extraBackwardPasses?: number;
}

/** Outcome of {@link TrainingAccess.train}. */
export interface TrainResult {
  /** Cost of this training (cached: false). */
  cost: TrainingCost;
  /** Mean loss per epoch. */
  epochLosses: number[];
}

/** The shared SGD training loop (momentum, weight decay, progress, abort, memory discipline). */
export interface TrainingAccess {
  /** Trains `options.model` in place. */
  train(options: TrainOptions): Promise<TrainResult>;
}

/** Result of {@link ModelCache.getOrCreate}. */
export interface CacheEntry {
  /** The entry's folder (complete: written atomically). */
  directory: string;
  /** True when it was already there. */
  hit: boolean;
  /** The metadata stored with the entry. */
  metadata: Record<string, unknown>;
}

/** A content-addressed cache of trained models, so a second run retrains nothing. */
export interface ModelCache {
  /**
   * Returns the entry for `parts` (hashed together with the dataset hash, architecture, seed and code version),
   * creating it with `create` when missing. `create` writes into a temporary folder, which is renamed into place
   * only when it resolves, and returns metadata to store (for example the training cost).
   */
  getOrCreate(parts: Record<string, unknown>, create: (directory: string) => Promise<Record<string, unknown>>): Promise<CacheEntry>;
}

/** The run's undefended base model (trained by the `none` defense, or a pretrained checkpoint). */
export interface BaseModel {
  /** The model, owned by the run: copy it (`models.withHead`, `models.clone`) before training. */
  model: LayersModel;
  /** Content key of the base model, part of dependent cache keys. */
  key: string;
  /** What training it cost. */
  cost: TrainingCost;
}

/** Everything a plugin's `create` receives. Plain object, no decorators. */
export interface PluginContext {
  /** The TensorFlow.js API on the selected backend. */
  readonly tf: TensorFlow;
  /** Seeded randomness for this plugin instance. */
  readonly rng: RandomSource;
  /** Logger scoped to this plugin instance. */
  readonly logger: Logger;
  /** Progress reporting. */
  readonly progress: ProgressSink;
  /** The run's data. */
  readonly dataset: DatasetAccess;
  /** The run's model architecture. */
  readonly models: ModelAccess;
  /** The shared training loop. */
  readonly training: TrainingAccess;
  /** Builds attacks through the registry. */
  readonly attacks: AttackFactory;
  /** Trained-model cache. */
  readonly cache: ModelCache;
  /** Aborted on Ctrl-C; stop after the current batch. */
  readonly signal: AbortSignal;
  /** This entry's name in the run (its label), unique among the run's defenses or attacks. */
  readonly entryName: string;
  /** The run's base model, trained or loaded once per run (memoised). */
  base(): Promise<BaseModel>;
  /**
   * An {@link OptionsReader} over `raw` (`where` names it in errors), for plain-JS plugins that import nothing from
   * advbench, for example to read nested option objects in `create`. The same reader `parseOptions` gets.
   */
  readOptions(raw: unknown, where: string): OptionsReader;
}
