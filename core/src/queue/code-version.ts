import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedPlugin } from '../plugins/plugin-registry.js';
import { ADVBENCH_VERSION } from '../run/advbench-version.js';
import { hashFolder } from '../run/hash-folder.js';

/**
 * What code computes a run's jobs: advbench's version, the compute backend, and each plugin's version with a
 * hash of its package's files. A worker whose code version differs from the coordinator's would give other
 * numbers, so it refuses the job.
 */
export interface CodeVersion {
  /** @advbench/core's version. */
  advbench: string;
  /** The backend name the run computes on (`wasm`, `tensorflow`...). */
  backend: string;
  /** Plugin id -> `<version> sha256:<first 16 hex digits of its files' hash>`. */
  plugins: Record<string, string>;
}

/** Files of a plugin package that are not its code. */
function notCode(name: string, isDirectory: boolean): boolean {
  return name === 'node_modules' || name.startsWith('.') || (!isDirectory && name.endsWith('.tsbuildinfo'));
}

/** The folder of an installed package, looked up in the node_modules folders above `from`. */
function packageFolder(packageName: string, from: string): string | undefined {
  let directory = resolve(from);
  for (;;) {
    const candidate = join(directory, 'node_modules', packageName);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Where a loaded plugin's code is: its package folder, or the file a path reference names. */
export function pluginLocation(loaded: LoadedPlugin, cwd: string): string | undefined {
  if (loaded.source === 'path') return resolve(cwd, loaded.reference);
  return packageFolder(loaded.packageName, cwd) ?? packageFolder(loaded.packageName, dirname(fileURLToPath(import.meta.url)));
}

/**
 * Hash of a plugin's code: for a package folder, its package.json and the files it publishes (`files`, or the
 * whole folder without node_modules and dot-files); for a single file, that file.
 */
export async function hashPluginCode(location: string): Promise<string> {
  if (!statSync(location).isDirectory()) return createHash('sha256').update(await readFile(location)).digest('hex');
  const manifestPath = join(location, 'package.json');
  const hash = createHash('sha256');
  let published: string[] | undefined;
  if (existsSync(manifestPath)) {
    const manifest = readFileSync(manifestPath);
    hash.update(manifest);
    const files = (JSON.parse(manifest.toString()) as { files?: unknown }).files;
    if (Array.isArray(files) && files.every((entry) => typeof entry === 'string' && !/[*?]/.test(entry))) published = files as string[];
  }
  for (const entry of published ?? ['.']) {
    const path = join(location, entry);
    if (!existsSync(path)) continue;
    hash.update(entry).update('\0').update(statSync(path).isDirectory() ? await hashFolder(path, notCode) : await readFile(path)).update('\0');
  }
  return hash.digest('hex');
}

/** The code version of a run computed with these plugins on this backend. */
export async function codeVersionOf(plugins: LoadedPlugin[], backend: string, cwd: string): Promise<CodeVersion> {
  const entries: Record<string, string> = {};
  for (const loaded of plugins) {
    const location = pluginLocation(loaded, cwd);
    const digest = location ? (await hashPluginCode(location)).slice(0, 16) : 'unknown';
    entries[loaded.plugin.id] = `${loaded.plugin.version} sha256:${digest}`;
  }
  return { advbench: ADVBENCH_VERSION, backend, plugins: Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))) };
}

/** How `mine` differs from `expected`, one phrase per difference (empty when they are the same). */
export function codeVersionDifferences(expected: CodeVersion, mine: CodeVersion): string[] {
  const differences: string[] = [];
  if (expected.advbench !== mine.advbench) differences.push(`advbench ${mine.advbench} here, ${expected.advbench} on the coordinator`);
  if (expected.backend !== mine.backend) differences.push(`backend ${mine.backend} here, ${expected.backend} on the coordinator`);
  for (const id of new Set([...Object.keys(expected.plugins), ...Object.keys(mine.plugins)])) {
    const theirs = expected.plugins[id];
    const ours = mine.plugins[id];
    if (theirs !== ours) differences.push(`plugin ${id} ${ours ?? 'missing'} here, ${theirs ?? 'missing'} on the coordinator`);
  }
  return differences;
}
