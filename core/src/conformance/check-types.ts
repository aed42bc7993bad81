import type { TestKitOptions } from '../testkit/create-test-kit.js';

/** Outcome of one conformance check: `warn` is reported but does not fail the plugin; `skip` could not run. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One conformance check's result. */
export interface CheckResult {
  /** Check id, for example `predict-probabilities` or `surface-gradient:full`. */
  check: string;
  /** Outcome. */
  status: CheckStatus;
  /** One line: what was checked and, when it failed, what went wrong and what to do. */
  message: string;
  /** What the contract expects (failures and warnings). */
  expected?: string;
  /** What the plugin did (failures and warnings). */
  seen?: string;
}

/** Everything `advbench check-plugin` found about one plugin. */
export interface ConformanceReport {
  /** The plugin checked (absent when it did not validate). */
  plugin?: { id: string; kind: 'defense' | 'attack'; version: string };
  /** The reference it was loaded by. */
  reference: string;
  /** True when no check failed. */
  passed: boolean;
  /** Every check, in the order run. */
  results: CheckResult[];
  /** The failed checks. */
  failures: CheckResult[];
  /** Wall-clock seconds of the whole check. */
  seconds: number;
}

/** Options of a conformance check. */
export interface CheckPluginOptions {
  /** Raw options to check the plugin with (default `{}`: its defaults). */
  options?: unknown;
  /** The test kit the plugin runs in (default: the kit's defaults, seed 0). */
  kit?: TestKitOptions;
  /** Batch sizes predict and the attack are tried on (default 1, 3 and 8). */
  batchSizes?: number[];
  /** Linf budget attacks are run at (default 8/255). */
  epsilon?: number;
  /** Seconds `prepare` (and one attack run) may take (default 600). */
  timeoutSeconds?: number;
  /** Milliseconds `create` may take (default 2000). */
  createBudgetMs?: number;
  /** Called with each result as soon as its check ends (progress for long checks). */
  onResult?(result: CheckResult): void;
}
