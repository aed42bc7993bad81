import type { AttackInstance } from './attack-types.js';
import type { PluginContext } from './context-types.js';
import type { DefenseInstance } from './defense-types.js';
import type { OptionsTools } from './options-reader.js';

/** The plugin API version this core speaks. */
export const PLUGIN_API_VERSION = 'v1';
/** Tag on every plugin object. */
export const PLUGIN_TYPE_TAG = 'advbench.plugin';

/** Fields every plugin has. */
export interface PluginBase<Options> {
  /** Tag, always {@link PLUGIN_TYPE_TAG}. */
  readonly $$type: typeof PLUGIN_TYPE_TAG;
  /** Plugin API version, `v1`. Core refuses an unknown major. */
  readonly apiVersion: string;
  /** Unique id (`inn`, `pgd`, ...). */
  readonly id: string;
  /** The plugin's own semver version. */
  readonly version: string;
  /** One line for `advbench plugins list`. */
  readonly description: string;
  /** Named option sets (`main`, `paper`...) that `{ "preset": "main" }` in options selects. */
  readonly presets?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Validates raw options (from JSON) and fills defaults; throws exit-2 errors naming the key. advbench passes
   * `tools` as the second argument, so plain-JS plugins (no import from advbench) get the {@link OptionsReader}:
   * `parseOptions(raw, { readOptions }) { const read = readOptions(raw, 'my options'); ... read.done(); }`.
   */
  parseOptions(raw: unknown, tools?: OptionsTools): Options;
}

/** A defense plugin. */
export interface DefensePlugin<Options = unknown> extends PluginBase<Options> {
  /** Kind tag. */
  readonly kind: 'defense';
  /** Builds the defense (cheap: heavy work belongs in `prepare`). */
  create(context: PluginContext, options: Options): DefenseInstance | Promise<DefenseInstance>;
}

/** An attack plugin. */
export interface AttackPlugin<Options = unknown> extends PluginBase<Options> {
  /** Kind tag. */
  readonly kind: 'attack';
  /** Builds the attack. */
  create(context: PluginContext, options: Options): AttackInstance | Promise<AttackInstance>;
}

/** Any plugin. */
export type Plugin = DefensePlugin<any> | AttackPlugin<any>;

type Definition<P> = Omit<P, '$$type' | 'apiVersion' | 'kind'> & { apiVersion?: string };

/** Declares a defense plugin: fills the tag, kind and API version. Export the result as the default export. */
export function defineDefense<Options>(definition: Definition<DefensePlugin<Options>>): DefensePlugin<Options> {
  return Object.freeze({ apiVersion: PLUGIN_API_VERSION, ...definition, $$type: PLUGIN_TYPE_TAG, kind: 'defense' as const });
}

/** Declares an attack plugin: fills the tag, kind and API version. Export the result as the default export. */
export function defineAttack<Options>(definition: Definition<AttackPlugin<Options>>): AttackPlugin<Options> {
  return Object.freeze({ apiVersion: PLUGIN_API_VERSION, ...definition, $$type: PLUGIN_TYPE_TAG, kind: 'attack' as const });
}
