import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DATASET_MISSING, corruptFile, fileError } from './dataset-errors.js';

const gunzipAsync = promisify(gunzip);

/** A file's decompressed bytes and where they came from. */
export interface DataFile {
  /** The path read (with `.gz` when it was gzipped). */
  path: string;
  /** The decompressed bytes. */
  bytes: Uint8Array;
  /** SHA-256 (hex) of the decompressed bytes. */
  sha256: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds `<folder>/<name>` or `<folder>/<name>.gz` (the raw file wins when both exist).
 * Throws an exit-2 error naming both candidates when neither exists.
 */
export async function locateDataFile(folder: string, name: string): Promise<string> {
  const raw = `${folder}/${name}`;
  if (await exists(raw)) return raw;
  const gzipped = `${raw}.gz`;
  if (await exists(gzipped)) return gzipped;
  throw fileError(DATASET_MISSING, raw, `file not found (looked for ${name} and ${name}.gz in ${folder})`);
}

/** Most decompressed bytes kept by the cache of {@link readDataFile} (the shipped Fashion-MNIST is 55 MB). */
const CACHE_LIMIT_BYTES = 256 * 1024 * 1024;
const cache = new Map<string, Promise<DataFile>>();
const cachedSizes = new Map<string, number>();

/** Empties the in-process cache of decompressed dataset files. */
export function clearDataFileCache(): void {
  cache.clear();
  cachedSizes.clear();
}

/**
 * Reads a file, inflating it when its name ends in `.gz`, and hashes the decompressed bytes.
 * A read failure or a gzip stream that fails to inflate (truncated, flipped byte) is an exit-2 error naming the file.
 * Results are cached in the process, keyed by path, size and modification times (so a changed file is read again):
 * opening Fashion-MNIST a second time costs nothing. The returned bytes are shared: never modify them.
 */
export async function readDataFile(path: string): Promise<DataFile> {
  let key: string | undefined;
  try {
    const info = await stat(path);
    key = `${path}|${info.size}|${info.mtimeMs}|${info.ctimeMs}|${info.ino}`;
  } catch {
    key = undefined;
  }
  if (key === undefined) return readUncached(path);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = readUncached(path);
  cache.set(key, pending);
  try {
    const file = await pending;
    cachedSizes.set(key, file.bytes.length);
    evict();
    return file;
  } catch (error) {
    cache.delete(key);
    throw error;
  }
}

function evict(): void {
  let total = [...cachedSizes.values()].reduce((sum, size) => sum + size, 0);
  for (const key of cache.keys()) {
    if (total <= CACHE_LIMIT_BYTES) break;
    total -= cachedSizes.get(key) ?? 0;
    cache.delete(key);
    cachedSizes.delete(key);
  }
}

async function readUncached(path: string): Promise<DataFile> {
  let stored: Buffer;
  try {
    stored = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError(DATASET_MISSING, path, 'file not found', error);
    throw corruptFile(path, `cannot be read (${(error as Error).message})`, error);
  }
  let bytes: Buffer = stored;
  if (path.endsWith('.gz')) {
    try {
      bytes = await gunzipAsync(stored);
    } catch (error) {
      throw corruptFile(path, `gzip data fails to inflate (${(error as Error).message}); the file is truncated or corrupt`, error);
    }
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { path, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), sha256 };
}
