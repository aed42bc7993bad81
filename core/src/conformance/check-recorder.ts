import type { CheckResult, CheckStatus } from './check-types.js';

/** A failed expectation inside a check: what was expected and what was seen. */
export class CheckFailure extends Error {
  /**
   * @param message - the one-line finding
   * @param expected - what the contract expects
   * @param seen - what the plugin did
   * @param status - `fail` (default) or `warn`
   */
  constructor(
    message: string,
    readonly expected: string,
    readonly seen: string,
    readonly status: Extract<CheckStatus, 'fail' | 'warn'> = 'fail',
  ) {
    super(message);
  }
}

/** Collects check results; {@link CheckRecorder.run} turns a thrown {@link CheckFailure} (or any error) into a result. */
export class CheckRecorder {
  /** Results so far, in order. */
  readonly results: CheckResult[] = [];

  /** @param onResult - called with each result as it is recorded */
  constructor(private readonly onResult?: (result: CheckResult) => void) {}

  /** Records a result and reports it. */
  record(result: CheckResult): void {
    this.results.push(result);
    this.onResult?.(result);
  }

  /** Runs one check: passes when `body` returns, fails (or warns) when it throws. Returns true when it passed or warned. */
  async run(check: string, passMessage: string, body: () => Promise<void> | void): Promise<boolean> {
    try {
      await body();
      this.record({ check, status: 'pass', message: passMessage });
      return true;
    } catch (error) {
      if (error instanceof CheckFailure) {
        this.record({ check, status: error.status, message: error.message, expected: error.expected, seen: error.seen });
        return error.status === 'warn';
      }
      const text = error instanceof Error ? error.message : String(error);
      this.record({ check, status: 'fail', message: `the plugin threw: ${text}`, expected: 'no error', seen: `threw ${error instanceof Error ? error.name : typeof error}: ${text}` });
      return false;
    }
  }

  /** Records a check that could not run. */
  skip(check: string, reason: string): void {
    this.record({ check, status: 'skip', message: `skipped (${reason})` });
  }
}
