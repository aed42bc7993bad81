import type { AttackSurface, Classifier } from './defense-types.js';
import type { RandomSource } from './random-types.js';
import type { Tensor1D, Tensor4D } from './tensor-types.js';

/** Progress of an attack, reported every few steps. */
export interface AttackStepProgress {
  /** Step within the current restart, 1-based. */
  step: number;
  /** Steps per restart. */
  steps: number;
  /** Current restart, 1-based. */
  restart: number;
  /** Restarts in all. */
  restarts: number;
  /** Fraction of the batch the surface currently misclassifies (best iterate so far). */
  successRate: number;
  /** Mean loss over the batch at this step. */
  loss: number;
}

/** One attack call on one batch. */
export interface AttackInput {
  /** The surface to take gradients of. */
  surface: AttackSurface;
  /** Clean images [batch, h, w, c] in [0, 1]. Not disposed by the attack. */
  x: Tensor4D;
  /** True labels (int32). Not disposed by the attack. */
  y: Tensor1D;
  /** Linf budget on the [0, 1] pixel scale. */
  epsilon: number;
  /** Seeded randomness for random starts and the surface. */
  rng: RandomSource;
  /** Aborts between steps. */
  signal?: AbortSignal;
  /** Called every few steps. */
  onStep?(progress: AttackStepProgress): void;
  /**
   * The defense's real decision rule judging candidate images (same shape as `x`, already in the ball or not:
   * the harness projects them first): per example, the fraction of the defense's paired judge draws that classify
   * the candidate correctly (0 or 1 for a deterministic defense). Attacks on a surface that is not `exact` use it
   * to choose their best iterate. Each call costs one judged forward pass per draw; the caller keeps the tensor.
   */
  judge?(candidates: Tensor4D): Promise<Float32Array>;
  /**
   * The defense's decision rule for score-based black-box attacks (Square): query it with `predict(x, rng)`,
   * forking `rng` for fresh draws on a randomized classifier. Never a surface.
   */
  classifier?: Classifier;
}

/** A configured attack, as returned by an attack plugin's `create`. */
export interface AttackInstance {
  /**
   * Returns adversarial images (a new tensor the caller owns). The harness projects them again and judges them
   * with the defense's real decision rule: never trust the attack's own verdict.
   */
  run(input: AttackInput): Promise<Tensor4D>;
  /** Resolved settings (steps, step size rule, restarts, EOT draws...), recorded with every cell. */
  describe(): Record<string, unknown>;
  /** Releases anything held. */
  dispose?(): void;
}

/** Builds attacks through the plugin registry (adversarial training uses this to make PGD examples). */
export interface AttackFactory {
  /** Creates an attack from a plugin reference (`pgd`, a package name or a path) and raw options. */
  create(reference: string, options?: unknown): Promise<AttackInstance>;
}
