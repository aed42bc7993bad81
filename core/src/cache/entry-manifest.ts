import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** What a cache entry records of one of its files. */
export interface RecordedFile {
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
}

/** The files of a cache entry (paths relative to the entry, `/`-separated) with their sizes and content hashes. */
export type EntryManifest = Record<string, RecordedFile>;

/** Records every file under `directory` (except `exclude`, the metadata file itself) with its size and SHA-256. */
export async function manifestOf(directory: string, exclude: string): Promise<EntryManifest> {
  const manifest: EntryManifest = {};
  for (const path of await listFiles(directory)) {
    const name = relative(directory, path).split(sep).join('/');
    if (name === exclude) continue;
    manifest[name] = await describeFile(path);
  }
  return manifest;
}

/**
 * Compares the files under `directory` with `recorded`: returns one line per difference (a missing, extra,
 * truncated, grown or changed file, naming it and what differs); an empty list when the entry is intact.
 * A `recorded` that is not a manifest is itself a difference.
 */
export async function verifyEntry(directory: string, recorded: unknown, exclude: string): Promise<string[]> {
  if (!isManifest(recorded)) return [`its ${exclude} records no file hashes (written by an older advbench, or damaged)`];
  const problems: string[] = [];
  const present = new Map<string, string>();
  for (const path of await listFiles(directory)) {
    const name = relative(directory, path).split(sep).join('/');
    if (name !== exclude) present.set(name, path);
  }
  for (const [name, expected] of Object.entries(recorded)) {
    const path = present.get(name);
    if (path === undefined) {
      problems.push(`${join(directory, name)}: missing (recorded ${expected.bytes} bytes)`);
      continue;
    }
    const actual = await describeFile(path);
    if (actual.bytes !== expected.bytes) {
      problems.push(`${path}: ${actual.bytes} bytes, recorded ${expected.bytes} (${actual.bytes < expected.bytes ? 'truncated' : 'grown'})`);
    } else if (actual.sha256 !== expected.sha256) {
      problems.push(`${path}: content changed (sha256 ${actual.sha256.slice(0, 12)}..., recorded ${expected.sha256.slice(0, 12)}...)`);
    }
  }
  for (const [name, path] of present) if (!(name in recorded)) problems.push(`${path}: not recorded in the entry (an extra file)`);
  return problems;
}

function isManifest(value: unknown): value is EntryManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (file) => typeof file === 'object' && file !== null && Number.isInteger((file as RecordedFile).bytes) && typeof (file as RecordedFile).sha256 === 'string',
  );
}

async function describeFile(path: string): Promise<RecordedFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function listFiles(directory: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(path);
    }
  };
  if ((await stat(directory)).isDirectory()) await walk(directory);
  return files.sort();
}
