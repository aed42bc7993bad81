/** A linear or log10 mapping from data values to pixels. */
export interface ChartScale {
  /** Pixel position of a data value. */
  (value: number): number;
  /** Tick values to label. */
  ticks: number[];
}

/** About `count` round tick values covering [low, high] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(low: number, high: number, count = 6): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) ticks.push(Math.round(value * 1e9) / 1e9);
  return ticks;
}

/** A linear scale from [domainLow, domainHigh] to [pixelLow, pixelHigh]. */
export function linearScale(domainLow: number, domainHigh: number, pixelLow: number, pixelHigh: number, ticks?: number[]): ChartScale {
  const span = domainHigh - domainLow || 1;
  const scale = ((value: number) => pixelLow + ((value - domainLow) / span) * (pixelHigh - pixelLow)) as ChartScale;
  scale.ticks = ticks ?? niceTicks(domainLow, domainHigh);
  return scale;
}

/** A log10 scale (for values spanning orders of magnitude, like training seconds); ticks at powers of ten. */
export function logScale(domainLow: number, domainHigh: number, pixelLow: number, pixelHigh: number): ChartScale {
  const low = Math.log10(domainLow);
  const high = Math.log10(domainHigh);
  const span = high - low || 1;
  const scale = ((value: number) => pixelLow + ((Math.log10(Math.max(value, domainLow)) - low) / span) * (pixelHigh - pixelLow)) as ChartScale;
  const ticks: number[] = [];
  for (let exponent = Math.floor(low); exponent <= Math.ceil(high); exponent += 1) {
    const value = 10 ** exponent;
    if (value >= domainLow * 0.999 && value <= domainHigh * 1.001) ticks.push(value);
  }
  scale.ticks = ticks.length > 0 ? ticks : [domainLow, domainHigh];
  return scale;
}

/** A tick label without trailing noise (`0.5`, `8`, `1000`). */
export function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}
