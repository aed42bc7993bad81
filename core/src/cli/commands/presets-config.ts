import { PRESETS, REQUIRED_PLACEHOLDER, type RawConfig } from '../../config/presets.js';
import { inputError } from '../../plugin-api/errors.js';

/** Writes an epsilon that is a whole number of 255ths as `"k/255"` (as users write them); others as numbers. */
function epsilonText(value: unknown): unknown {
  if (typeof value !== 'number' || value === 0) return value;
  const steps = Math.round(value * 255);
  return Math.abs(steps / 255 - value) < 1e-12 ? `${steps}/255` : value;
}

/**
 * A built-in preset as a config file `advbench run --config` accepts as is: `"preset"` first (so the file's keys
 * sit on the same preset), then every key of the preset, epsilons as `k/255`. Unknown names are exit-2 errors.
 */
export function presetConfig(name: string): RawConfig {
  const preset = PRESETS[name];
  if (!preset) {
    throw inputError('ADVBENCH_ERR_CONFIG_PRESET', `unknown preset ${JSON.stringify(name)}: the presets are ${Object.keys(PRESETS).join(', ')}`, { details: { preset: name } });
  }
  const config: RawConfig = { preset: name, ...structuredClone(preset) };
  if (Array.isArray(config.epsilons)) config.epsilons = config.epsilons.map(epsilonText);
  return config;
}

/** The `"REQUIRED"` places of a preset (values the user must fill in), as key paths. */
export function requiredPlaces(value: unknown, path = ''): string[] {
  if (value === REQUIRED_PLACEHOLDER) return [path];
  if (typeof value === 'string') return value.endsWith(`:${REQUIRED_PLACEHOLDER}`) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => requiredPlaces(item, `${path}[${index}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => requiredPlaces(item, path ? `${path}.${key}` : key));
  return [];
}
