import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { canonicalJson } from '../config/hash-run-spec.js';
import type { LoadedPlugin } from '../plugins/plugin-registry.js';
import type { PluginStamp } from '../store/result-types.js';

/**
 * Where a loaded plugin's code lives: the folder (or single module file) a path reference names, else the folder of
 * the package's package.json, resolved from `cwd` and then from core itself (the built-ins). Undefined when it
 * cannot be found (the stamp then carries no content hash, only the version).
 */
export function pluginLocation(loaded: LoadedPlugin, cwd: string): string | undefined {
  if (loaded.source === 'path') {
    const target = resolve(cwd, loaded.reference);
    return existsSync(target) ? target : undefined;
  }
  for (const base of [join(cwd, 'noop.js'), import.meta.url]) {
    try {
      return dirname(createRequire(base).resolve(`${loaded.packageName}/package.json`));
    } catch {
      // Not resolvable from there; try the next.
    }
  }
  return undefined;
}

/**
 * SHA-256 (hex) of a plugin's code: a module file's bytes, or every file of its package folder (relative paths and
 * contents, sorted), leaving out `node_modules` and dot-entries (`.git`, caches).
 */
export async function hashPluginCode(location: string): Promise<string> {
  const hash = createHash('sha256');
  if (!statSync(location).isDirectory()) return hash.update(await readFile(location)).digest('hex');
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(location);
  for (const path of files.sort()) hash.update(relative(location, path)).update('\0').update(await readFile(path)).update('\0');
  return hash.digest('hex');
}

/** What a cell or a cached model computed by `loaded` with `options` depends on: id, version, code and options. */
export async function stampPlugin(loaded: LoadedPlugin, options: unknown, cwd: string): Promise<PluginStamp> {
  const location = pluginLocation(loaded, cwd);
  return {
    id: loaded.plugin.id,
    version: loaded.plugin.version,
    contentHash: location ? await hashPluginCode(location) : 'unknown',
    optionsHash: createHash('sha256')
      .update(canonicalJson(options ?? {}))
      .digest('hex'),
  };
}

/** Why a cell stamped `before` must be recomputed by plugins stamped `now` (undefined when nothing changed). */
export function stampChange(role: string, before: PluginStamp | undefined, now: PluginStamp): string | undefined {
  if (!before) return `${role} plugin ${now.id}: the cell records no plugin version or code hash (computed by an older advbench)`;
  if (before.id !== now.id) return `${role} plugin changed from ${before.id} to ${now.id}`;
  if (before.version !== now.version) return `${role} plugin ${now.id} changed version ${before.version} -> ${now.version}`;
  if (before.contentHash !== now.contentHash) return `${role} plugin ${now.id} ${now.version}: its code changed (content hash ${before.contentHash.slice(0, 12)} -> ${now.contentHash.slice(0, 12)})`;
  if (before.optionsHash !== now.optionsHash) return `${role} plugin ${now.id}: its resolved options changed`;
  return undefined;
}
