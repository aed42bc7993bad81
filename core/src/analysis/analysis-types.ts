import type { AccuracyEstimate, CellResult, DefenseResult } from '../store/result-types.js';

/** What a check decided: `pass`, `flag` (the evaluation looks unreliable), or `not-run` (it could not be decided). */
export type CheckVerdict = 'pass' | 'flag' | 'not-run';

/** Ids of the automatic evaluation checks, in the order the report lists them. */
export type CheckId =
  | 'randomized-undeclared'
  | 'zero-gradient'
  | 'black-box-beats-white-box'
  | 'transfer-beats-white-box'
  | 'single-step-beats-iterative'
  | 'margin-beats-ce'
  | 'unbounded-not-broken'
  | 'not-monotone'
  | 'eot-not-converged'
  | 'steps-not-converged'
  | 'attack-above-clean'
  | 'probability-output';

/** The verdict of one check on one defense, as stored in results.json and SQLite. */
export interface CheckResult {
  /** The check's id. */
  id: CheckId;
  /** Its verdict. */
  verdict: CheckVerdict;
  /** One line: what was measured, and on a flag what to try next. */
  detail: string;
}

/** Best-known robust accuracy of a defense at one epsilon: per example, the worst case over every attack and surface. */
export interface BestKnownPoint {
  /** Linf budget on the [0, 1] scale (0 = clean). */
  epsilon: number;
  /** Mean per-example worst-case outcome, in [0, 1]. */
  accuracy: number;
  /** Examples it is computed over. */
  samples: number;
}

/** Measurements taken on the prepared defense itself (not cells): the inputs of the probe-based checks. */
export interface DefenseProbes {
  /** Examples each probe used. */
  examples: number;
  /** `randomized-undeclared`: the classifier predicted the same inputs `draws` times with different random streams. */
  randomness?: {
    /** Predictions made per input. */
    draws: number;
    /** True when the classifier declares itself randomized. */
    declared: boolean;
    /** Examples whose predicted probabilities differed between draws (beyond 1e-4) . */
    differing: number;
    /** Examples whose predicted class differed between draws. */
    classChanges: number;
    /** Surfaces whose forward differed between two calls on the same inputs although they declare `randomized: false`. */
    undeclaredSurfaces: string[];
  };
  /** `zero-gradient`: per attacked surface, examples whose loss gradient w.r.t. the clean input is exactly zero. */
  zeroGradient?: Array<{ surface: string; examples: number; zero: number }>;
  /** `probability-output`: whether predict's rows are probabilities (finite, >= 0, summing to 1 within 1e-3). */
  probabilityOutput?: {
    /** Rows checked. */
    rows: number;
    /** Rows that are not probabilities. */
    bad: number;
    /** What was wrong with the first bad row. */
    problem?: string;
  };
  /** Why the probes could not run (the defense failed before or during them). */
  error?: string;
}

/** What every check reads: one defense, its cells (sweep cells and the checks' extra cells), and its probes. */
export interface CheckInput {
  /** The defense entry. */
  defense: DefenseResult;
  /** Every cell of this defense (finished or not), sweep cells and extra cells alike. */
  cells: CellResult[];
  /** Probes of the prepared defense, when they ran. */
  probes?: DefenseProbes;
  /** Classes of the task (chance accuracy is 1 / classes). */
  classes: number;
  /** The headline epsilon of the run's grid. */
  headlineEpsilon: number;
}

/** One automatic evaluation check: an id, its rule in words, and a pure function of the run's data. */
export interface EvaluationCheck {
  /** Stable id. */
  id: CheckId;
  /** Short title for the report. */
  title: string;
  /** The rule with its threshold, in words. */
  rule: string;
  /** Why a flag means the evaluation may be unreliable. */
  meaning: string;
  /** What to try when it flags. */
  remedy: string;
  /** The extra cell or probe it needs beyond the sweep, if any, in words. */
  needs?: string;
  /** Decides the verdict from the data (pure). */
  evaluate(input: CheckInput): CheckResult;
}

/** An accuracy estimate together with the examples it was computed over (to compare cells on the same examples). */
export interface PairedEstimate extends AccuracyEstimate {
  /** The examples (test indices) it covers. */
  examples: number[];
}
