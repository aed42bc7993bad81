import { OptionsReader } from '@advbench/core/plugin-api';

/** Resolved options of the Square attack. */
export interface SquareOptions {
  /** Queries of the decision rule per example, the initialisation included (default 5000). */
  queries: number;
  /** Initial fraction of the pixels the square covers (default 0.8, AutoAttack's Linf setting). */
  pInit: number;
  /** Progress every this many iterations (default 100). */
  progressEvery: number;
}

/** Named option sets: `{ "preset": "fast" }`. */
export const SQUARE_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** AutoAttack's standard Square: 5000 queries, p_init 0.8. */
  standard: { queries: 5000, pInit: 0.8 },
  /** A quick look: 1000 queries (the schedule is rescaled to the budget). */
  fast: { queries: 1000, pInit: 0.8 },
  /** Tests and the smoke preset: 50 queries. */
  smoke: { queries: 50, pInit: 0.8 },
});

/** Validates raw Square options (after preset expansion) and fills defaults; errors name the key. */
export function parseSquareOptions(raw: unknown, where = 'square options'): SquareOptions {
  const read = new OptionsReader(raw, where);
  const options: SquareOptions = {
    queries: read.number('queries', { default: 5000, min: 1, integer: true }),
    pInit: read.number('pInit', { default: 0.8, min: 1e-6, max: 1 }),
    progressEvery: read.number('progressEvery', { default: 100, min: 1, integer: true }),
  };
  read.done();
  return options;
}
