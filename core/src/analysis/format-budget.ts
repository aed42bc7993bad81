/** An epsilon as people write it: `8/255` when it is a whole number of 255ths, else the number (`0.5`). */
export function formatBudget(epsilon: number): string {
  const levels = epsilon * 255;
  const rounded = Math.round(levels);
  if (rounded > 0 && Math.abs(levels - rounded) < 1e-6) return `${rounded}/255`;
  return String(Number(epsilon.toFixed(4)));
}
