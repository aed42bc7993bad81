import type { RandomSource } from './random-types.js';
import type { Tensor2D, Tensor4D } from './tensor-types.js';

/** What training a defense cost, recorded for the report. Passes count examples (a batch of 32 is 32 passes). */
export interface TrainingCost {
  /** Wall-clock training seconds (the original training's, also when loaded from the cache). */
  seconds: number;
  /** Training examples seen (examples x epochs, counting each adversarial or augmented copy once). */
  examples: number;
  /** Example forward passes (a PGD-7 training step on one example costs 8). */
  forwardPasses: number;
  /** Example backward passes. */
  backwardPasses: number;
  /** True when this run loaded the trained model from the cache instead of training. */
  cached: boolean;
}

/** A defense's real decision rule. */
export interface Classifier {
  /** True when `predict` is randomized (the harness then judges with fresh randomness). */
  readonly randomized: boolean;
  /**
   * Class probabilities over the task's C classes, shape [batch, C], rows summing to 1.
   * Synchronous and tidy-safe: the caller owns the result.
   */
  predict(x: Tensor4D, rng: RandomSource): Tensor2D;
}

/** A differentiable function of the input that white-box attacks take gradients of. */
export interface AttackSurface {
  /** Surface name, for example `full`, `inn1`, `inn2`. */
  readonly name: string;
  /** One line for the report. */
  readonly description: string;
  /** Whether `forward` returns logits or log-probabilities over the C classes. */
  readonly output: 'logits' | 'log-probabilities';
  /** True when `forward` draws randomness (attacks may use EOT). */
  readonly randomized: boolean;
  /**
   * True only when `forward`'s arg-max IS the defense's decision rule (`classifier.predict`), deterministically:
   * `none`'s and adversarial training's `full`. False (the default when absent) on surrogates such as INN's `inn1`
   * and `inn2` and on every randomized surface. Attacks may trust a surface's own verdict (best iterate, early stop)
   * only when it is exact; otherwise they ask `AttackInput.judge` or keep their last iterate.
   */
  readonly exact?: boolean;
  /** [batch, C] logits or log-probabilities; differentiable w.r.t. `x`; creates no variables. */
  forward(x: Tensor4D, rng: RandomSource): Tensor2D;
}

/** An image the defense wants shown in the report (for example INN's backgrounds). */
export interface DefenseImage {
  /** Caption. */
  label: string;
  /** Image shape [height, width, channels]. */
  shape: [number, number, number];
  /** Pixel values, row-major HWC; may exceed [0, 1] (the report rescales). */
  data: Float32Array;
}

/** A prepared defense, as returned by a defense plugin's `create`. */
export interface DefenseInstance {
  /** Train (or load from the cache) until the classifier and surfaces are ready. Reports progress. */
  prepare(): Promise<void>;
  /** The decision rule. Valid after `prepare`. */
  readonly classifier: Classifier;
  /** Every attack surface this defense offers. Valid after `prepare`. */
  surfaces(): AttackSurface[];
  /** Surfaces attacked when the config names none (INN: inn1 and inn2; deterministic defenses: full). */
  defaultSurfaces(): string[];
  /** Training cost. Valid after `prepare`. */
  cost(): TrainingCost;
  /** Settings worth recording (resolved options, checkpoint keys...), JSON-serialisable. */
  describe(): Record<string, unknown>;
  /** Images for the report (optional). */
  images?(): DefenseImage[];
  /** Releases models and tensors. Called once, in `finally`. */
  dispose(): void;
}
