/**
 * The iterations at which APGD checks its progress (Croce & Hein 2020, section 3.2): `w_j = ceil(p_j * N)` with
 * `p_0 = 0`, `p_1 = 0.22` and `p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06)`, for `p_j <= 1`. Returned in
 * ascending order, without duplicates, starting with 0 (the start, which is not a check itself).
 */
export function apgdCheckpoints(iterations: number): number[] {
  const fractions = [0, 0.22];
  while (true) {
    const last = fractions[fractions.length - 1];
    const next = last + Math.max(last - fractions[fractions.length - 2] - 0.03, 0.06);
    if (next > 1) break;
    fractions.push(next);
  }
  const points = fractions.map((fraction) => Math.ceil(fraction * iterations - 1e-9)).filter((point) => point <= iterations);
  return [...new Set(points)];
}
