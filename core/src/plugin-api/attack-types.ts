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
  /**
   * Called by the attack once per call, before `run` resolves, with what the call cost and, for a composite attack,
   * each member's per-example outcome. The harness stores it with the cell; attacks must not rely on it existing.
   */
  report?(report: AttackReport): void;
}

/** What one attack call cost. Passes count examples: one forward of a batch of 32 is 32 forward passes. */
export interface AttackCost {
  /** Example forward passes through a surface (EOT draws and restarts included). */
  forwardPasses: number;
  /** Example backward passes (input gradients) through a surface. */
  backwardPasses: number;
  /** Example queries of `classifier.predict` (score-based black-box attacks), one per example per draw. */
  queries: number;
  /** Calls of `AttackInput.judge` (each judges the whole batch once per judge draw). */
  judgeCalls: number;
  /** Wall-clock seconds of the call. */
  seconds: number;
}

/** One member of a composite attack (AutoAttack) on one batch. */
export interface AttackMemberOutcome {
  /** The member's label, for example `apgd-ce`. */
  name: string;
  /**
   * Per example of the batch, the judged fraction correct of this member's own candidate; NaN where the member did
   * not run on that example (an earlier member had already broken it).
   */
  correct: Float32Array;
  /** What the member cost on this batch. */
  cost: AttackCost;
}

/** What an attack tells the harness about one call (see {@link AttackInput.report}). */
export interface AttackReport {
  /** The call's cost (for a composite: the sum over its members). */
  cost: AttackCost;
  /** A composite attack's members, in the order they ran. */
  members?: AttackMemberOutcome[];
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
