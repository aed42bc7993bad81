import { inputError } from '../plugin-api/index.js';
import { parseEpsilon } from './parse-epsilon.js';
import type { RawConfig } from './presets.js';
import { DEFAULT_EOT_SAMPLES, DEFAULT_JUDGE_DRAWS, REQUIRED_PLACEHOLDER } from './presets.js';
import type { BackendChoice, DatasetSpec, ModelSpec, PluginEntrySpec, RunSpec } from './run-spec.js';
import { BACKEND_CHOICES } from './run-spec.js';

const TOP_LEVEL_KEYS = ['$schema', 'preset', 'dataset', 'model', 'defenses', 'attacks', 'epsilons', 'seed', 'seeds', 'out', 'backend', 'evalBatchSize', 'judgeDraws', 'eotSamples', 'eotAttackOptions', 'cacheDirectory', 'plugins'] as const;
const BACKENDS: readonly BackendChoice[] = BACKEND_CHOICES;

/** Where the config came from, for messages: `config file runs.json` or `preset quick`. */
export interface ConfigOrigin {
  /** Human description of the source, prefixed to key paths. */
  label: string;
}

/**
 * Validates a merged raw config into a {@link RunSpec} (without `out`, which the loader fills).
 * Every error names the key path (`defenses[1].options`) and the origin.
 */
export function validateConfig(raw: RawConfig, origin: ConfigOrigin): Omit<RunSpec, 'out'> & { out?: string } {
  const at = (path: string) => `${origin.label}: ${path}`;
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      throw inputError('ADVBENCH_ERR_CONFIG_UNKNOWN_KEY', `${at(key)} is not a known key (known: ${TOP_LEVEL_KEYS.filter((k) => k !== '$schema').join(', ')})`, { details: { path: key } });
    }
  }
  const spec = {
    preset: optionalString(raw.preset, at('preset')),
    dataset: readDataset(raw.dataset, at('dataset')),
    model: readModel(raw.model, at('model')),
    defenses: readEntries(raw.defenses, at('defenses'), true),
    attacks: readEntries(raw.attacks, at('attacks'), false),
    epsilons: readEpsilons(raw.epsilons, at('epsilons')),
    seed: readInteger(raw.seed, at('seed'), 0, 0, 2 ** 32 - 1),
    ...(raw.seeds === undefined ? {} : { seeds: readSeeds(raw.seeds, at('seeds')) }),
    out: optionalString(raw.out, at('out')),
    backend: readBackend(raw.backend, at('backend')),
    evalBatchSize: readInteger(raw.evalBatchSize, at('evalBatchSize'), 100, 1, 100_000),
    judgeDraws: readInteger(raw.judgeDraws, at('judgeDraws'), DEFAULT_JUDGE_DRAWS, 1, 10_000),
    eotSamples: readInteger(raw.eotSamples, at('eotSamples'), DEFAULT_EOT_SAMPLES, 0, 10_000),
    eotAttackOptions: readObject(raw.eotAttackOptions, at('eotAttackOptions')),
    cacheDirectory: optionalString(raw.cacheDirectory, at('cacheDirectory')) ?? '.advbench-cache',
    plugins: readStringList(raw.plugins, at('plugins')),
  };
  if (spec.defenses.length === 0) throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${at('defenses')} must list at least one defense`, { details: { path: 'defenses' } });
  if (spec.attacks.length === 0 && spec.epsilons.some((epsilon) => epsilon > 0)) {
    throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${at('attacks')} must list at least one attack when epsilons other than 0 are swept`, { details: { path: 'attacks' } });
  }
  return spec;
}

/** `seeds`: a non-empty list of distinct integers in [0, 2^32 - 1]. */
function readSeeds(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw wrongType(where, 'a non-empty array of integer seeds', value);
  const seeds = value.map((seed, index) => readInteger(seed, `${where}[${index}]`, 0, 0, 2 ** 32 - 1));
  const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
  if (repeated !== undefined) throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${where} lists seed ${repeated} twice`, { details: { path: where } });
  return seeds;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function wrongType(where: string, expected: string, value: unknown) {
  return inputError('ADVBENCH_ERR_CONFIG_TYPE', `${where} must be ${expected}, got ${typeName(value)}`, { details: { path: where } });
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw wrongType(where, 'a non-empty string', value);
  return value;
}

function requiredString(value: unknown, where: string): string {
  const text = optionalString(value, where);
  if (text === undefined) throw inputError('ADVBENCH_ERR_CONFIG_MISSING', `${where} is required`, { details: { path: where } });
  if (text.includes(REQUIRED_PLACEHOLDER)) {
    throw inputError('ADVBENCH_ERR_CONFIG_MISSING', `${where} must be set for this preset (it is ${JSON.stringify(text)}): give a real path in your config file or with a flag`, { details: { path: where } });
  }
  return text;
}

function readInteger(value: unknown, where: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(where, 'an integer', value);
  if (value < min || value > max) throw inputError('ADVBENCH_ERR_CONFIG_RANGE', `${where} must be within [${min}, ${max}], got ${value}`, { details: { path: where } });
  return value;
}

function optionalCount(value: unknown, where: string): number | undefined {
  return value === undefined ? undefined : readInteger(value, where, 0, 1, Number.MAX_SAFE_INTEGER);
}

function checkKeys(record: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw inputError('ADVBENCH_ERR_CONFIG_UNKNOWN_KEY', `${where}.${key} is not a known key (known: ${allowed.join(', ')})`, { details: { path: `${where}.${key}` } });
    }
  }
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(where, 'an object', value);
  return value as Record<string, unknown>;
}

function readDataset(value: unknown, where: string): DatasetSpec {
  if (typeof value === 'string') return { reference: requiredString(value, where) };
  if (value === undefined) throw inputError('ADVBENCH_ERR_CONFIG_MISSING', `${where} is required`, { details: { path: where } });
  const record = asRecord(value, where);
  checkKeys(record, ['use', 'trainSamples', 'testSamples', 'resize', 'crop', 'classIndex'], where);
  return {
    reference: requiredString(record.use, `${where}.use`),
    trainSamples: optionalCount(record.trainSamples, `${where}.trainSamples`),
    testSamples: optionalCount(record.testSamples, `${where}.testSamples`),
    resize: optionalCount(record.resize, `${where}.resize`),
    crop: optionalCount(record.crop, `${where}.crop`),
    classIndex: optionalString(record.classIndex, `${where}.classIndex`),
  };
}

function readModel(value: unknown, where: string): ModelSpec {
  if (typeof value === 'string') return { name: requiredString(value, where) };
  if (value === undefined) throw inputError('ADVBENCH_ERR_CONFIG_MISSING', `${where} is required`, { details: { path: where } });
  const record = asRecord(value, where);
  checkKeys(record, ['name', 'weights'], where);
  const weights = record.weights === undefined ? undefined : requiredString(record.weights, `${where}.weights`);
  return { name: requiredString(record.name, `${where}.name`), ...(weights === undefined ? {} : { weights }) };
}

function readEntries(value: unknown, where: string, isDefense: boolean): PluginEntrySpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType(where, 'an array of plugin references or { "use": ..., "options": ... } objects', value);
  const entries = value.map((item, index) => readEntry(item, `${where}[${index}]`, isDefense));
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (entry.name !== '') continue;
    const base = pluginBaseName(entry.use);
    const count = (counts.get(base) ?? 0) + 1;
    counts.set(base, count);
    entry.name = count === 1 ? base : `${base}-${count}`;
  }
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.name)) {
      throw inputError('ADVBENCH_ERR_CONFIG_DUPLICATE_NAME', `${where}[${index}].name ${JSON.stringify(entry.name)} is used twice; give each entry a unique "name"`, { details: { path: `${where}[${index}].name` } });
    }
    seen.add(entry.name);
  });
  return entries;
}

function pluginBaseName(reference: string): string {
  const parts = reference.split(/[\\/]/).filter(Boolean);
  const last = parts.at(-1) ?? reference;
  return last.replace(/^(@[^/]+\/)?/, '').replace(/^advbench-/, '').replace(/^(defense|attack)-/, '');
}

function readEntry(value: unknown, where: string, isDefense: boolean): PluginEntrySpec {
  if (typeof value === 'string') return { use: requiredString(value, where), name: '', options: {} };
  const record = asRecord(value, where);
  checkKeys(record, isDefense ? ['use', 'name', 'options', 'surfaces'] : ['use', 'name', 'options', 'adaptiveOptions', 'adaptiveOnly'], where);
  const options = record.options === undefined ? {} : asRecord(record.options, `${where}.options`);
  const name = optionalString(record.name, `${where}.name`);
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${where}.name must use letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`, { details: { path: `${where}.name` } });
  }
  const entry: PluginEntrySpec = { use: requiredString(record.use, `${where}.use`), name: name ?? '', options };
  if (isDefense && record.surfaces !== undefined) entry.surfaces = readStringList(record.surfaces, `${where}.surfaces`);
  if (!isDefense && record.adaptiveOptions !== undefined) entry.adaptiveOptions = readObject(record.adaptiveOptions, `${where}.adaptiveOptions`);
  if (!isDefense && record.adaptiveOnly !== undefined) {
    if (typeof record.adaptiveOnly !== 'boolean') throw wrongType(`${where}.adaptiveOnly`, 'true or false', record.adaptiveOnly);
    entry.adaptiveOnly = record.adaptiveOnly;
  }
  return entry;
}

function readEpsilons(value: unknown, where: string): number[] {
  if (value === undefined) throw inputError('ADVBENCH_ERR_CONFIG_MISSING', `${where} is required`, { details: { path: where } });
  if (!Array.isArray(value) || value.length === 0) throw wrongType(where, 'a non-empty array of numbers or "k/255" strings', value);
  const epsilons = value.map((item, index) => parseEpsilon(item, `${where}[${index}]`));
  return [...new Set(epsilons)].sort((a, b) => a - b);
}

function readBackend(value: unknown, where: string): BackendChoice {
  if (value === undefined) return 'auto';
  if (typeof value !== 'string' || !(BACKENDS as readonly string[]).includes(value)) {
    throw inputError('ADVBENCH_ERR_CONFIG_VALUE', `${where} must be one of ${BACKENDS.join(', ')}, got ${typeName(value)}`, { details: { path: where } });
  }
  return value as BackendChoice;
}

function readStringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType(where, 'an array of strings', value);
  return value.map((item, index) => requiredString(item, `${where}[${index}]`));
}

function readObject(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(where, 'an object', value);
  return value as Record<string, unknown>;
}
