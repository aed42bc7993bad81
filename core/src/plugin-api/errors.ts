/**
 * Coded errors shared by core and plugins.
 *
 * Every error that reaches the user is an {@link AdvbenchError}: it carries a stable `code`, the process exit
 * code it maps to (2 for bad input, 1 for anything else) and the original `cause`. A `Symbol.for` marker makes
 * {@link isAdvbenchError} work across duplicate copies of this module (a plugin may bundle its own copy).
 */

const marker = Symbol.for('advbench.error');

/** Exit code for bad input (config, plugin, dataset, checkpoint, flag). */
export const EXIT_BAD_INPUT = 2;
/** Exit code for every other failure. */
export const EXIT_FAILURE = 1;

/** Options accepted by {@link AdvbenchError}. */
export interface AdvbenchErrorOptions {
  /** The underlying error, kept for diagnosis. */
  cause?: unknown;
  /** Process exit code; defaults to {@link EXIT_FAILURE}. */
  exitCode?: number;
  /** Structured details (the key path, the plugin id, the file...) for JSON output and tests. */
  details?: Record<string, unknown>;
}

/** An error with a stable code, an exit code and a kept cause. */
export class AdvbenchError extends Error {
  /** Stable machine-readable code, for example `ADVBENCH_ERR_CONFIG_TYPE`. */
  readonly code: string;
  /** The process exit code this error maps to. */
  readonly exitCode: number;
  /** Structured details about where the error is. */
  readonly details: Record<string, unknown>;
  readonly [marker] = true;

  constructor(code: string, message: string, options: AdvbenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdvbenchError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    this.details = options.details ?? {};
  }
}

/** Builds an {@link AdvbenchError} for bad input (exit code 2). */
export function inputError(code: string, message: string, options: Omit<AdvbenchErrorOptions, 'exitCode'> = {}): AdvbenchError {
  return new AdvbenchError(code, message, { ...options, exitCode: EXIT_BAD_INPUT });
}

/** True when `value` is an {@link AdvbenchError}, from this copy of the module or another. */
export function isAdvbenchError(value: unknown): value is AdvbenchError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}
