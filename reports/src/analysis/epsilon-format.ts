/** Epsilon on the /255 scale, rounded to two decimals (8/255 -> 8). */
export function epsilonIn255(epsilon: number): number {
  return Math.round(epsilon * 255 * 100) / 100;
}

/** An epsilon as people write it: `0`, `8/255`, `0.5/255`. */
export function formatEpsilon(epsilon: number): string {
  if (epsilon === 0) return '0';
  return `${epsilonIn255(epsilon)}/255`;
}

/** An accuracy in [0, 1] as a percentage with `digits` decimals (`57.26`). */
export function formatPercent(value: number, digits = 1): string {
  return (value * 100).toFixed(digits);
}
