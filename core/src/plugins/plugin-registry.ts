import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  inputError,
  isAdvbenchError,
  type AttackPlugin,
  type DefensePlugin,
  type Plugin,
} from '../plugin-api/index.js';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { validatePlugin } from './validate-plugin.js';

/** Where a plugin came from. */
export type PluginSource = 'builtin' | 'package' | 'path';

/** A plugin loaded and validated. */
export interface LoadedPlugin<P extends Plugin = Plugin> {
  /** The plugin object. */
  plugin: P;
  /** The reference it was loaded by. */
  reference: string;
  /** The npm package name that holds it (or the folder's package.json name). */
  packageName: string;
  /** How it was found. */
  source: PluginSource;
}

/** One row of `advbench plugins list`. */
export interface PluginListing {
  id: string;
  kind: 'defense' | 'attack';
  version: string;
  apiVersion: string;
  package: string;
  description: string;
  source: PluginSource;
  reference: string;
  presets: string[];
}

/** Options of {@link PluginRegistry.create}. */
export interface PluginRegistryOptions {
  /** Extra plugin references (packages or paths) to load besides the built-ins. */
  extraReferences?: string[];
  /** Folder that relative paths and package names resolve from. */
  cwd: string;
}

/**
 * Finds, loads and validates plugins: built-in short ids (`none`, `adv-training`, `inn`, `pgd`), npm package
 * names, and filesystem paths to plugin packages. Loads lazily and once per reference; refuses unknown API
 * majors, missing default exports and duplicate ids with coded errors that name the plugin and keep the cause.
 */
export class PluginRegistry {
  private readonly loaded = new Map<string, Promise<LoadedPlugin>>();
  private readonly byId = new Map<string, LoadedPlugin>();

  private constructor(private readonly options: PluginRegistryOptions) {}

  /** The folder relative plugin paths and package names resolve from. */
  get cwd(): string {
    return this.options.cwd;
  }

  /** Creates a registry and loads the extra references (so their errors surface at start). */
  static async create(options: PluginRegistryOptions): Promise<PluginRegistry> {
    const registry = new PluginRegistry(options);
    for (const reference of options.extraReferences ?? []) await registry.resolve(reference);
    return registry;
  }

  /** Loads (once) and validates the plugin a reference names. */
  resolve(reference: string): Promise<LoadedPlugin> {
    const key = this.canonicalKey(reference);
    let pending = this.loaded.get(key);
    if (!pending) {
      pending = this.load(reference).then((loaded) => this.remember(loaded));
      this.loaded.set(key, pending);
    }
    return pending;
  }

  /** Resolves a reference that must be a defense; `where` names the config location for errors. */
  async resolveDefense(reference: string, where: string): Promise<LoadedPlugin<DefensePlugin>> {
    return this.resolveKind(reference, where, 'defense') as Promise<LoadedPlugin<DefensePlugin>>;
  }

  /** Resolves a reference that must be an attack; `where` names the config location for errors. */
  async resolveAttack(reference: string, where: string): Promise<LoadedPlugin<AttackPlugin>> {
    return this.resolveKind(reference, where, 'attack') as Promise<LoadedPlugin<AttackPlugin>>;
  }

  /** Every plugin visible: the built-ins and everything resolved so far. */
  async list(): Promise<PluginListing[]> {
    for (const id of Object.keys(BUILTIN_PLUGINS)) await this.resolve(id);
    const loaded = await Promise.all(this.loaded.values());
    const unique = new Map(loaded.map((item) => [item.plugin.id, item]));
    return [...unique.values()].map(({ plugin, packageName, source, reference }) => ({
      id: plugin.id,
      kind: plugin.kind,
      version: plugin.version,
      apiVersion: plugin.apiVersion,
      package: packageName,
      description: plugin.description,
      source,
      reference,
      presets: Object.keys(plugin.presets ?? {}),
    }));
  }

  private async resolveKind(reference: string, where: string, kind: Plugin['kind']): Promise<LoadedPlugin> {
    let loaded: LoadedPlugin;
    try {
      loaded = await this.resolve(reference);
    } catch (error) {
      if (isAdvbenchError(error) && !error.message.startsWith(where)) {
        throw inputError(error.code, `${where}: ${error.message}`, { cause: error, details: { ...error.details, where } });
      }
      throw error;
    }
    if (loaded.plugin.kind !== kind) {
      throw inputError('ADVBENCH_ERR_PLUGIN_KIND', `${where}: plugin "${loaded.plugin.id}" (${reference}) is a ${loaded.plugin.kind} plugin, but a ${kind} is needed here`, { details: { where, plugin: reference } });
    }
    return loaded;
  }

  private remember(loaded: LoadedPlugin): LoadedPlugin {
    const existing = this.byId.get(loaded.plugin.id);
    if (existing && existing.plugin !== loaded.plugin) {
      throw inputError('ADVBENCH_ERR_PLUGIN_DUPLICATE_ID', `plugin id "${loaded.plugin.id}" is declared twice: by ${existing.reference} (${existing.packageName}) and by ${loaded.reference} (${loaded.packageName}); ids must be unique`, { details: { plugin: loaded.plugin.id, references: [existing.reference, loaded.reference] } });
    }
    this.byId.set(loaded.plugin.id, loaded);
    return loaded;
  }

  private canonicalKey(reference: string): string {
    return looksLikePath(reference) ? resolve(this.options.cwd, reference) : reference;
  }

  private async load(reference: string): Promise<LoadedPlugin> {
    if (typeof reference !== 'string' || reference.length === 0) {
      throw inputError('ADVBENCH_ERR_PLUGIN_NOT_FOUND', `plugin reference must be a non-empty string, got ${JSON.stringify(reference)}`);
    }
    const builtin = BUILTIN_PLUGINS[reference];
    if (builtin) return this.loadPackage(reference, builtin, 'builtin');
    if (looksLikePath(reference)) return this.loadPath(reference);
    return this.loadPackage(reference, reference, 'package');
  }

  private async loadPackage(reference: string, packageName: string, source: PluginSource): Promise<LoadedPlugin> {
    let module: Record<string, unknown>;
    try {
      module = source === 'builtin' ? ((await import(packageName)) as Record<string, unknown>) : await importPackage(packageName, this.options.cwd);
    } catch (error) {
      if (isModuleNotFound(error, packageName)) {
        throw inputError('ADVBENCH_ERR_PLUGIN_NOT_FOUND', `unknown plugin "${reference}": not a built-in (${Object.keys(BUILTIN_PLUGINS).join(', ')}), not an installed package, not a folder`, { cause: error, details: { plugin: reference } });
      }
      throw inputError('ADVBENCH_ERR_PLUGIN_LOAD', `plugin "${reference}" (${packageName}) failed to load: ${errorMessage(error)}`, { cause: error, details: { plugin: reference } });
    }
    const plugin = validatePlugin(module.default, reference);
    return { plugin, reference, packageName, source };
  }

  private async loadPath(reference: string): Promise<LoadedPlugin> {
    const target = resolve(this.options.cwd, reference);
    if (!existsSync(target)) {
      throw inputError('ADVBENCH_ERR_PLUGIN_NOT_FOUND', `plugin path "${reference}" does not exist (looked at ${target})`, { details: { plugin: reference } });
    }
    let entry = target;
    let packageName = target;
    if (statSync(target).isDirectory()) {
      const manifestPath = join(target, 'package.json');
      if (!existsSync(manifestPath)) {
        throw inputError('ADVBENCH_ERR_PLUGIN_NOT_FOUND', `plugin folder "${reference}" has no package.json (looked at ${manifestPath})`, { details: { plugin: reference } });
      }
      let manifest: Record<string, unknown>;
      try {
        manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      } catch (error) {
        throw inputError('ADVBENCH_ERR_PLUGIN_MANIFEST', `plugin folder "${reference}": ${manifestPath} is not valid JSON: ${errorMessage(error)}`, { cause: error, details: { plugin: reference } });
      }
      packageName = typeof manifest.name === 'string' ? manifest.name : target;
      entry = join(target, packageEntry(manifest));
      if (!existsSync(entry)) {
        throw inputError('ADVBENCH_ERR_PLUGIN_NOT_FOUND', `plugin folder "${reference}": its entry file ${entry} does not exist (from package.json exports/main)`, { details: { plugin: reference } });
      }
    }
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
    } catch (error) {
      throw inputError('ADVBENCH_ERR_PLUGIN_LOAD', `plugin "${reference}" failed to load from ${entry}: ${errorMessage(error)}`, { cause: error, details: { plugin: reference } });
    }
    const plugin = validatePlugin(module.default, reference);
    return { plugin, reference, packageName, source: 'path' };
  }
}

/** True for `./x`, `../x`, `/x`, `C:\x` and anything with a path separator that is not a scoped package name. */
export function looksLikePath(reference: string): boolean {
  if (reference.startsWith('.') || isAbsolute(reference)) return true;
  if (reference.startsWith('@')) return reference.split('/').length > 2;
  return reference.includes('/') || reference.includes('\\');
}

function packageEntry(manifest: Record<string, unknown>): string {
  const exportsField = manifest.exports;
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      return pick(record['.']) ?? pick(record.import) ?? pick(record.default) ?? pick(record.node);
    }
    return undefined;
  };
  return pick(exportsField) ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
}

async function importPackage(packageName: string, cwd: string): Promise<Record<string, unknown>> {
  // First from the user's folder (their node_modules), then from core's own (the built-ins, workspace packages).
  const fromCwd = findPackageEntry(packageName, cwd);
  if (fromCwd) return (await import(pathToFileURL(fromCwd).href)) as Record<string, unknown>;
  return (await import(packageName)) as Record<string, unknown>;
}

function findPackageEntry(packageName: string, cwd: string): string | undefined {
  const require = createRequire(join(cwd, 'noop.js'));
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${packageName}/package.json`);
  } catch {
    return undefined;
  }
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    return join(manifestPath, '..', packageEntry(manifest));
  } catch {
    return undefined;
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  const message = errorMessage(error);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to (load|resolve)/i.test(message)) && message.includes(packageName);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
