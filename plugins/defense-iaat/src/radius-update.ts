/** What the radius search found for one batch, per example (all arrays of the batch's length). */
export interface RadiusEvidence {
  /** Each example's radius before this batch. */
  previous: Float32Array;
  /** 1 where the model classifies the clean example correctly. */
  cleanCorrect: Uint8Array;
  /** 1 where the model still classifies the example correctly after PGD at its current radius. */
  robustAtCurrent: Uint8Array;
  /** 1 where the model still classifies the example correctly after PGD at its radius + gamma. */
  robustAtHigher: Uint8Array;
}

/**
 * IAAT's per-example radius rule (Balaji, Goldstein, Hoffman 2019, Algorithm 1, as the authors' code does it):
 * the new radius is `previous + gamma` where the example is robust there, else `previous` where it is robust at
 * its current radius, else `previous - gamma`; 0 for examples the model misclassifies when clean; never negative;
 * then averaged with the previous radius: `beta * new + (1 - beta) * previous`. Pure; returns a new array.
 */
export function updateRadii(evidence: RadiusEvidence, gamma: number, beta: number): Float32Array {
  const { previous, cleanCorrect, robustAtCurrent, robustAtHigher } = evidence;
  const next = new Float32Array(previous.length);
  for (let index = 0; index < previous.length; index += 1) {
    const before = previous[index];
    let found = robustAtHigher[index] ? before + gamma : robustAtCurrent[index] ? before : before - gamma;
    found = cleanCorrect[index] ? Math.max(0, found) : 0;
    next[index] = beta * found + (1 - beta) * before;
  }
  return next;
}

/** Warm-up radii: `epsilon` for examples classified correctly when clean, 0 for the others (the authors' warm-up). */
export function warmupRadii(cleanCorrect: Uint8Array, epsilon: number): Float32Array {
  return Float32Array.from(cleanCorrect, (correct) => (correct ? epsilon : 0));
}
