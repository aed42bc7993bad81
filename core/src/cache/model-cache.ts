import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheEntry, ModelCache } from '../plugin-api/index.js';
import { canonicalJson } from './canonical-json.js';

/** Name of the metadata file of a cache entry, written last: an entry without it is incomplete. */
export const CACHE_METADATA_FILE = 'advbench-cache.json';

/** What every key of one run's cache is bound to, besides the parts a plugin gives. */
export interface ModelCacheScope {
  /** Content hash of the run's data (files and subset). */
  datasetHash: string;
  /** Model architecture name. */
  architecture: string;
  /** The run's master seed. */
  seed: number;
  /** Version of the code that trains (advbench core's version). */
  codeVersion: string;
}

/**
 * A content-addressed folder cache of trained models. The key of an entry is the SHA-256 of the plugin's parts
 * together with the scope (dataset hash, architecture, seed, code version). An entry is built in a temporary
 * folder and renamed into place only after `create` resolved and the metadata file was written last, so a run
 * killed while training leaves no half entry behind (its temporary folder is removed by the next build once that
 * process is gone); concurrent requests for one key in a process share one build.
 */
export class FileModelCache implements ModelCache {
  private readonly building = new Map<string, Promise<CacheEntry>>();

  /**
   * @param directory - the cache folder (`spec.cacheDirectory`)
   * @param scope - what every key is bound to
   */
  constructor(
    readonly directory: string,
    private readonly scope: ModelCacheScope,
  ) {}

  /** The key (a hex SHA-256) of `parts` in this scope. */
  keyOf(parts: Record<string, unknown>): string {
    return createHash('sha256').update(canonicalJson({ parts, scope: this.scope })).digest('hex');
  }

  async getOrCreate(parts: Record<string, unknown>, create: (directory: string) => Promise<Record<string, unknown>>): Promise<CacheEntry> {
    const key = this.keyOf(parts);
    const pending = this.building.get(key);
    if (pending) return pending;
    const build = this.lookupOrBuild(key, parts, create).finally(() => this.building.delete(key));
    this.building.set(key, build);
    return build;
  }

  /** Removes temporary folders left by killed processes (their pid no longer runs). */
  private async removeAbandoned(): Promise<void> {
    for (const name of await readdir(this.directory)) {
      const match = TEMPORARY_NAME.exec(name);
      if (match && Number(match[1]) !== process.pid && !processAlive(Number(match[1]))) {
        await rm(join(this.directory, name), { recursive: true, force: true });
      }
    }
  }

  private async lookupOrBuild(key: string, parts: Record<string, unknown>, create: (directory: string) => Promise<Record<string, unknown>>): Promise<CacheEntry> {
    const directory = join(this.directory, key);
    const existing = await readMetadata(directory);
    if (existing) return { directory, hit: true, metadata: existing };
    await mkdir(this.directory, { recursive: true });
    await this.removeAbandoned();
    const temporary = join(this.directory, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(temporary, { recursive: true });
    try {
      const metadata = await create(temporary);
      const stored = { ...metadata, key, parts, scope: this.scope, createdAt: new Date().toISOString() };
      await writeFile(join(temporary, CACHE_METADATA_FILE), `${JSON.stringify(stored, null, 2)}\n`);
      if (existsSync(directory)) await rm(directory, { recursive: true, force: true });
      try {
        await rename(temporary, directory);
      } catch (error) {
        // Another process finished the same entry first: use theirs.
        const theirs = await readMetadata(directory);
        if (!theirs) throw error;
        await rm(temporary, { recursive: true, force: true });
        return { directory, hit: true, metadata: theirs };
      }
      return { directory, hit: false, metadata: stored };
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
  }
}

/** Temporary folder names: `.tmp-<key prefix>-<pid>-<random>`. */
const TEMPORARY_NAME = /^\.tmp-[0-9a-f]+-(\d+)-[0-9a-f]+$/;

/** True when a process with this id is running (on this machine). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readMetadata(directory: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(join(directory, CACHE_METADATA_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
