import { inputError } from './errors.js';

/** Constraints on a number option. */
export interface NumberRule {
  /** Value when the key is absent. Omit to make the key required. */
  default?: number;
  /** Inclusive minimum. */
  min?: number;
  /** Inclusive maximum. */
  max?: number;
  /** Require an integer. */
  integer?: boolean;
}

/**
 * Reads and validates a plugin's raw options object, key by key, with errors that name the full key path
 * (for example `defenses[2].options.alpha`). Call {@link OptionsReader.done} last: it refuses unknown keys.
 *
 * ```ts
 * const read = new OptionsReader(raw, 'inn options');
 * const alpha = read.number('alpha', { default: 0.5, min: 0 });
 * read.done();
 * ```
 */
export class OptionsReader {
  private readonly values: Record<string, unknown>;
  private readonly seen = new Set<string>();

  /**
   * @param raw - the raw options (undefined means `{}`)
   * @param where - the path to name in errors
   */
  constructor(raw: unknown, private readonly where: string) {
    if (raw === undefined || raw === null) raw = {};
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw inputError('ADVBENCH_ERR_OPTIONS_TYPE', `${where} must be an object, got ${describe(raw)}`, { details: { path: where } });
    }
    this.values = raw as Record<string, unknown>;
  }

  /** True when the key is present. */
  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** A number option. */
  number(key: string, rule: NumberRule = {}): number {
    const value = this.take(key, rule.default);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.wrongType(key, 'a finite number', value);
    if (rule.integer && !Number.isInteger(value)) throw this.wrongType(key, 'an integer', value);
    if (rule.min !== undefined && value < rule.min) throw this.outOfRange(key, `>= ${rule.min}`, value);
    if (rule.max !== undefined && value > rule.max) throw this.outOfRange(key, `<= ${rule.max}`, value);
    return value;
  }

  /** A boolean option. */
  boolean(key: string, defaultValue?: boolean): boolean {
    const value = this.take(key, defaultValue);
    if (typeof value !== 'boolean') throw this.wrongType(key, 'true or false', value);
    return value;
  }

  /** A string option. */
  string(key: string, defaultValue?: string): string {
    const value = this.take(key, defaultValue);
    if (typeof value !== 'string' || value.length === 0) throw this.wrongType(key, 'a non-empty string', value);
    return value;
  }

  /** An optional string option (undefined when absent). */
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : (this.seen.add(key), undefined);
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(key: string, allowed: readonly T[], defaultValue?: T): T {
    const value = this.take(key, defaultValue);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw inputError('ADVBENCH_ERR_OPTIONS_VALUE', `${this.where}.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`, { details: { path: `${this.where}.${key}` } });
    }
    return value as T;
  }

  /** A list of numbers, each checked against `rule` (its `default` is ignored). */
  numberList(key: string, defaultValue: number[] | undefined, rule: Omit<NumberRule, 'default'> = {}): number[] {
    const value = this.take(key, defaultValue);
    if (!Array.isArray(value)) throw this.wrongType(key, 'an array of numbers', value);
    return value.map((item, index) => {
      const inner = new OptionsReader({ [`${key}[${index}]`]: item }, this.where);
      return inner.number(`${key}[${index}]`, rule);
    });
  }

  /** A list of strings. */
  stringList(key: string, defaultValue?: string[]): string[] {
    const value = this.take(key, defaultValue);
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw this.wrongType(key, 'an array of strings', value);
    return value as string[];
  }

  /** The raw value of a key, unvalidated (for nested objects a plugin checks itself). */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.values[key];
  }

  /** Refuses keys that were never read. */
  done(): void {
    const unknown = Object.keys(this.values).filter((key) => !this.seen.has(key));
    if (unknown.length > 0) {
      const known = [...this.seen].join(', ');
      throw inputError('ADVBENCH_ERR_OPTIONS_UNKNOWN_KEY', `${this.where}.${unknown[0]} is not a known option (known: ${known})`, { details: { path: `${this.where}.${unknown[0]}` } });
    }
  }

  private take(key: string, defaultValue: unknown): unknown {
    this.seen.add(key);
    const value = this.values[key];
    if (value !== undefined) return value;
    if (defaultValue === undefined) {
      throw inputError('ADVBENCH_ERR_OPTIONS_MISSING', `${this.where}.${key} is required`, { details: { path: `${this.where}.${key}` } });
    }
    return defaultValue;
  }

  private wrongType(key: string, expected: string, value: unknown) {
    return inputError('ADVBENCH_ERR_OPTIONS_TYPE', `${this.where}.${key} must be ${expected}, got ${describe(value)}`, { details: { path: `${this.where}.${key}` } });
  }

  private outOfRange(key: string, expected: string, value: unknown) {
    return inputError('ADVBENCH_ERR_OPTIONS_RANGE', `${this.where}.${key} must be ${expected}, got ${describe(value)}`, { details: { path: `${this.where}.${key}` } });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Merges a named preset under explicit options: `{ "preset": "main", "epochs": 2 }` becomes the preset's values
 * with `epochs` overridden. Unknown preset names are refused with the list of known ones.
 */
export function applyPreset(raw: unknown, presets: Readonly<Record<string, Record<string, unknown>>> | undefined, where: string): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const { preset, ...rest } = raw as Record<string, unknown>;
  if (preset === undefined) return raw;
  const known = Object.keys(presets ?? {});
  if (typeof preset !== 'string' || !presets || !(preset in presets)) {
    throw inputError('ADVBENCH_ERR_OPTIONS_PRESET', `${where}.preset must be one of ${known.map((k) => JSON.stringify(k)).join(', ') || '(this plugin has no presets)'}, got ${describe(preset)}`, { details: { path: `${where}.preset` } });
  }
  return { ...presets[preset], ...rest };
}

/**
 * What advbench hands every plugin that imports nothing from it: the second argument of `parseOptions` and, in
 * `create`, `context.readOptions`. `readOptions(raw, where)` is `new OptionsReader(raw, where)`.
 */
export interface OptionsTools {
  /** An {@link OptionsReader} over `raw`; `where` names the options in errors (for example `bit-depth options`). */
  readOptions(raw: unknown, where: string): OptionsReader;
}

/** The {@link OptionsTools} advbench passes to plugins. */
export const optionsTools: OptionsTools = Object.freeze({ readOptions: (raw: unknown, where: string) => new OptionsReader(raw, where) });
