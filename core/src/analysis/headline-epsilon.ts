/** The largest budget the headline may use: 8/255, the usual Linf headline. */
export const HEADLINE_EPSILON_LIMIT = 8 / 255;

/** The headline epsilon of a grid: the largest positive budget <= 8/255, else the smallest positive one, else 0. */
export function headlineEpsilonOf(epsilons: readonly number[]): number {
  const positive = epsilons.filter((epsilon) => epsilon > 0);
  const candidates = positive.filter((epsilon) => epsilon <= HEADLINE_EPSILON_LIMIT + 1e-9);
  if (candidates.length > 0) return Math.max(...candidates);
  return positive.length > 0 ? Math.min(...positive) : 0;
}
