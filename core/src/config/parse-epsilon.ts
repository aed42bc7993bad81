import { inputError } from '../plugin-api/index.js';

/**
 * Reads an epsilon on the [0, 1] pixel scale from a number or a string: `0.03`, `"8/255"`, `"0"`.
 * @param value - the raw value
 * @param where - the key path for errors, for example `epsilons[2]`
 */
export function parseEpsilon(value: unknown, where: string): number {
  let epsilon: number;
  if (typeof value === 'number') {
    epsilon = value;
  } else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*$/.test(value)) {
    const [numerator, denominator] = value.split('/').map((part) => Number(part.trim()));
    if (denominator === 0) throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${where}: ${JSON.stringify(value)} divides by zero`, { details: { path: where } });
    epsilon = numerator / denominator;
  } else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    epsilon = Number(value);
  } else {
    throw inputError('ADVBENCH_ERR_CONFIG_TYPE', `${where} must be a number in [0, 1] or a fraction like "8/255", got ${JSON.stringify(value)}`, { details: { path: where } });
  }
  if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) {
    throw inputError('ADVBENCH_ERR_CONFIG_RANGE', `${where} must be within [0, 1] (the pixel scale; write 8/255, not 8), got ${JSON.stringify(value)}`, { details: { path: where } });
  }
  return epsilon;
}

/** Parses a comma-separated CLI list such as `0,1/255,8/255`. */
export function parseEpsilonList(text: string, where: string): number[] {
  return text.split(',').filter((part) => part.trim() !== '').map((part, index) => parseEpsilon(part.trim(), `${where}[${index}]`));
}

/** Formats an epsilon as `k/255` when it is a multiple of 1/255, else as a decimal. */
export function formatEpsilon(epsilon: number): string {
  const scaled = epsilon * 255;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6 ? `${Math.round(scaled)}/255` : String(Number(epsilon.toPrecision(6)));
}
