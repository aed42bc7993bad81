import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { inputError } from '../plugin-api/index.js';
import { looksLikePath } from '../plugins/plugin-registry.js';
import { hashRunSpec } from './hash-run-spec.js';
import { DEFAULT_PRESET, PRESETS, type RawConfig } from './presets.js';
import type { BackendChoice, RunSpec } from './run-spec.js';
import { validateConfig } from './validate-config.js';

/** Values given on the command line; they win over the config file and the preset. */
export interface RunSpecOverrides {
  out?: string;
  seed?: number;
  /** `--seeds`: run once per seed. */
  seeds?: number[];
  backend?: BackendChoice;
  epsilons?: number[];
  /** Dataset reference (`fashion-mnist`, `imagefolder:/data/imagenet`...); keeps the preset's sample counts. */
  dataset?: string;
  trainSamples?: number;
  testSamples?: number;
  /** Zoo model name. */
  model?: string;
  /** Pretrained weights folder. */
  weights?: string;
}

/** Input of {@link loadRunSpec}. */
export interface LoadRunSpecInput {
  /** A JSON config file. */
  configPath?: string;
  /** Preset name; wins over the file's `preset`. */
  preset?: string;
  /** Command-line values. */
  overrides: RunSpecOverrides;
  /** Folder that CLI paths resolve from. */
  cwd: string;
}

/**
 * Builds the one validated {@link RunSpec}: preset, then the config file, then CLI flags. Relative paths in the
 * file resolve from the file's folder, CLI paths from `cwd`. `out` defaults to `runs/<preset>-<hash>`, so
 * re-running the same config continues the same run.
 */
export async function loadRunSpec(input: LoadRunSpecInput): Promise<RunSpec> {
  const file = input.configPath ? await readConfigFile(resolve(input.cwd, input.configPath)) : undefined;
  const fileConfig = file?.config ?? {};
  const fileBase = file ? dirname(file.path) : input.cwd;
  const presetName = input.preset ?? (typeof fileConfig.preset === 'string' ? fileConfig.preset : DEFAULT_PRESET);
  const preset = PRESETS[presetName];
  if (!preset) {
    const where = input.preset ? '--preset' : `${file?.path ?? 'config'}: preset`;
    throw inputError('ADVBENCH_ERR_CONFIG_PRESET', `${where} must be one of ${Object.keys(PRESETS).join(', ')}, got ${JSON.stringify(presetName)}`, { details: { path: 'preset' } });
  }
  const fromFile = resolvePaths(fileConfig, fileBase);
  const merged: RawConfig = { ...structuredClone(preset), ...fromFile, preset: presetName };
  applyOverrides(merged, input.overrides, input.cwd);
  const label = file ? `config ${file.path}` : `preset ${presetName}`;
  const validated = validateConfig(merged, { label });
  const spec: RunSpec = { ...validated, out: '', cacheDirectory: resolve(input.cwd, validated.cacheDirectory) };
  spec.out = validated.out ? resolve(input.cwd, validated.out) : resolve(input.cwd, 'runs', `${presetName}-${hashRunSpec(spec).slice(0, 10)}`);
  return spec;
}

async function readConfigFile(path: string): Promise<{ path: string; config: RawConfig }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw inputError('ADVBENCH_ERR_CONFIG_FILE', `--config ${path} cannot be read: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError('ADVBENCH_ERR_CONFIG_JSON', `config ${path} is not valid JSON: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw inputError('ADVBENCH_ERR_CONFIG_TYPE', `config ${path} must hold a JSON object at the top level`, { details: { path } });
  }
  return { path, config: parsed as RawConfig };
}

function resolveDatasetReference(reference: string, base: string): string {
  const match = /^([a-z0-9-]+):(.+)$/.exec(reference);
  if (!match || isAbsolute(match[2])) return reference;
  return `${match[1]}:${resolve(base, match[2])}`;
}

function resolveEntry(entry: unknown, base: string): unknown {
  if (typeof entry === 'string') return looksLikePath(entry) ? resolve(base, entry) : entry;
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
    const record = { ...(entry as Record<string, unknown>) };
    if (typeof record.use === 'string' && looksLikePath(record.use)) record.use = resolve(base, record.use);
    return record;
  }
  return entry;
}

/** Makes the file's relative paths absolute (dataset folder, weights, out, cache, plugin paths). */
function resolvePaths(config: RawConfig, base: string): RawConfig {
  const result: RawConfig = { ...config };
  if (typeof result.dataset === 'string') result.dataset = resolveDatasetReference(result.dataset, base);
  else if (result.dataset && typeof result.dataset === 'object' && !Array.isArray(result.dataset)) {
    const dataset = { ...(result.dataset as Record<string, unknown>) };
    if (typeof dataset.use === 'string') dataset.use = resolveDatasetReference(dataset.use, base);
    if (typeof dataset.classIndex === 'string') dataset.classIndex = resolve(base, dataset.classIndex);
    result.dataset = dataset;
  }
  if (result.model && typeof result.model === 'object' && !Array.isArray(result.model)) {
    const model = { ...(result.model as Record<string, unknown>) };
    if (typeof model.weights === 'string') model.weights = resolve(base, model.weights);
    result.model = model;
  }
  for (const key of ['out', 'cacheDirectory'] as const) {
    if (typeof result[key] === 'string') result[key] = resolve(base, result[key] as string);
  }
  for (const key of ['defenses', 'attacks', 'plugins'] as const) {
    if (Array.isArray(result[key])) result[key] = (result[key] as unknown[]).map((entry) => resolveEntry(entry, base));
  }
  return result;
}

function applyOverrides(config: RawConfig, overrides: RunSpecOverrides, cwd: string): void {
  if (overrides.out !== undefined) config.out = resolve(cwd, overrides.out);
  if (overrides.seed !== undefined) config.seed = overrides.seed;
  if (overrides.seeds !== undefined) config.seeds = overrides.seeds;
  if (overrides.backend !== undefined) config.backend = overrides.backend;
  if (overrides.epsilons !== undefined) config.epsilons = overrides.epsilons;
  const dataset: Record<string, unknown> = typeof config.dataset === 'object' && config.dataset !== null ? { ...(config.dataset as Record<string, unknown>) } : { use: config.dataset };
  if (overrides.dataset !== undefined) dataset.use = resolveDatasetReference(overrides.dataset, cwd);
  if (overrides.trainSamples !== undefined) dataset.trainSamples = overrides.trainSamples;
  if (overrides.testSamples !== undefined) dataset.testSamples = overrides.testSamples;
  if (overrides.dataset !== undefined || overrides.trainSamples !== undefined || overrides.testSamples !== undefined) config.dataset = dataset;
  if (overrides.model !== undefined || overrides.weights !== undefined) {
    const model: Record<string, unknown> = typeof config.model === 'object' && config.model !== null ? { ...(config.model as Record<string, unknown>) } : { name: config.model };
    if (overrides.model !== undefined) model.name = overrides.model;
    if (overrides.weights !== undefined) model.weights = resolve(cwd, overrides.weights);
    config.model = model;
  }
}
