/**
 * The fraction `p` of the image's pixels the square covers at iteration `iteration` of `iterations` (Andriushchenko
 * et al. 2020, the reference code's `p_selection`): `pInit`, halved at 10, 50, 200, 500, 1000, 2000, 4000, 6000 and
 * 8000 of 10,000 iterations, the iteration rescaled to a 10,000-iteration budget so any budget follows the schedule.
 */
export function squareFraction(pInit: number, iteration: number, iterations: number): number {
  const scaled = Math.floor((iteration / iterations) * 10000);
  const bounds = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000, 10000];
  for (let index = 0; index < bounds.length - 1; index += 1) {
    if (scaled > bounds[index] && scaled <= bounds[index + 1]) return pInit / 2 ** (index + 1);
  }
  return pInit;
}

/** Side of the square (pixels) covering a fraction `p` of an h x w image: `round(sqrt(p * h * w))`, in [1, min(h, w) - 1]. */
export function squareSide(p: number, height: number, width: number): number {
  const side = Math.round(Math.sqrt(p * height * width));
  return Math.min(Math.max(side, 1), Math.max(1, Math.min(height, width) - 1));
}
