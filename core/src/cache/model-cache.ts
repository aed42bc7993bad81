import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CacheEntry, Logger, ModelCache } from '../plugin-api/index.js';
import { processAlive } from '../store/process-alive.js';
import { withBuildLock } from './build-lock.js';
import { canonicalJson } from './canonical-json.js';
import { manifestOf, verifyEntry } from './entry-manifest.js';

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
  /**
   * The compute backend that trains (`wasm`, `webgpu`, ...): backends differ in floating-point results, so a model
   * trained on one is not reused, unnoticed, by a run on another. Left out, keys do not depend on it.
   */
  backend?: string;
}

/** Options of {@link FileModelCache}. */
export interface ModelCacheOptions {
  /** Told about every damaged entry found (and moved aside); default: nobody. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * A content-addressed folder cache of trained models. The key of an entry is the SHA-256 of the plugin's parts
 * together with the scope (dataset hash, architecture, seed, code version, backend). An entry is built in a temporary
 * folder and renamed into place only after `create` resolved and the metadata file was written last, so a run
 * killed while training leaves no half entry behind (its temporary folder is removed by the next build once that
 * process is gone); concurrent requests for one key in a process share one build.
 *
 * The metadata records the size and SHA-256 of every file of the entry, and every lookup verifies them: an entry
 * with a missing, truncated, grown, changed or extra file, or without (valid) metadata — a half-copied entry —
 * is reported (its path and what differs), moved aside to `.damaged-<key>-<time>` and rebuilt, never used.
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
    private readonly options: ModelCacheOptions = {},
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

  /**
   * Removes temporary folders left by killed processes: on this machine, those whose pid no longer runs; from
   * another machine sharing the cache folder (NFS), whose processes cannot be checked from here, those untouched
   * for {@link FOREIGN_TEMPORARY_MAX_AGE_MS}.
   */
  private async removeAbandoned(): Promise<void> {
    for (const name of await readdir(this.directory)) {
      const match = TEMPORARY_NAME.exec(name);
      if (!match) continue;
      const path = join(this.directory, name);
      const pid = Number(match[1]);
      const local = match[2] === undefined || match[2] === HOST_TAG;
      const info = local ? undefined : await stat(path).catch(() => undefined);
      const abandoned = local ? pid !== process.pid && !processAlive(pid) : info !== undefined && Date.now() - info.mtimeMs > FOREIGN_TEMPORARY_MAX_AGE_MS;
      if (abandoned) await rm(path, { recursive: true, force: true });
    }
  }

  private async lookupOrBuild(key: string, parts: Record<string, unknown>, create: (directory: string) => Promise<Record<string, unknown>>): Promise<CacheEntry> {
    const directory = join(this.directory, key);
    const lookup = async (): Promise<CacheEntry | undefined> => {
      const existing = await this.verified(directory, key);
      return existing ? { directory, hit: true, metadata: existing } : undefined;
    };
    const found = await lookup();
    if (found) return found;
    await mkdir(this.directory, { recursive: true });
    // One build per key across processes sharing the folder (queue workers on other machines included).
    return withBuildLock(join(this.directory, `.lock-${key}`), lookup, () => this.build(key, directory, parts, create));
  }

  private async build(key: string, directory: string, parts: Record<string, unknown>, create: (directory: string) => Promise<Record<string, unknown>>): Promise<CacheEntry> {
    await this.removeAbandoned();
    const temporary = join(this.directory, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}@${HOST_TAG}`);
    await mkdir(temporary, { recursive: true });
    try {
      const metadata = await create(temporary);
      const files = await manifestOf(temporary, CACHE_METADATA_FILE);
      const stored = { ...metadata, key, parts, scope: this.scope, createdAt: new Date().toISOString(), files };
      await writeSynced(join(temporary, CACHE_METADATA_FILE), `${JSON.stringify(stored, null, 2)}\n`);
      try {
        // Atomic: the entry appears whole or not at all (a non-empty folder already there makes it fail).
        await rename(temporary, directory);
      } catch (error) {
        // Another process finished the same entry first: use theirs, once verified.
        const theirs = await this.verified(directory, key);
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

  /**
   * The metadata of the entry at `directory` when it is whole (every recorded file present with its size and
   * hash, nothing extra); undefined when there is none. A damaged entry is reported and moved aside.
   */
  private async verified(directory: string, key: string): Promise<Record<string, unknown> | undefined> {
    if (!existsSync(directory)) return undefined;
    const metadata = await readMetadata(directory);
    const problems =
      metadata === 'missing'
        ? [`${join(directory, CACHE_METADATA_FILE)}: missing (an unfinished or half-copied entry)`]
        : metadata === 'invalid'
          ? [`${join(directory, CACHE_METADATA_FILE)}: not valid JSON`]
          : await verifyEntry(directory, metadata.files, CACHE_METADATA_FILE);
    if (problems.length === 0) return metadata as Record<string, unknown>;
    const aside = join(this.directory, `.damaged-${key.slice(0, 16)}-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(2).toString('hex')}`);
    try {
      await rename(directory, aside);
    } catch (error) {
      // Another process moved it first.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.options.logger?.warn(`model cache entry ${directory} is damaged and will be rebuilt (moved to ${aside}): ${problems.join('; ')}`, { directory, movedTo: aside, problems });
    return undefined;
  }
}

/** Temporary folder names: `.tmp-<key prefix>-<pid>-<random>@<host>` (no `@<host>` from older advbench: this machine's). */
const TEMPORARY_NAME = /^\.tmp-[0-9a-f]+-(\d+)-[0-9a-f]+(?:@([A-Za-z0-9.-]+))?$/;

/** This machine's name as it appears in temporary folder names. */
const HOST_TAG = hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'localhost';

/** Age after which another machine's temporary folder in a shared cache counts as abandoned. */
const FOREIGN_TEMPORARY_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

async function readMetadata(directory: string): Promise<Record<string, unknown> | 'missing' | 'invalid'> {
  let text: string;
  try {
    text = await readFile(join(directory, CACHE_METADATA_FILE), 'utf8');
  } catch {
    return 'missing';
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Writes `text` to `path` and fsyncs it, so the rename that publishes the entry never exposes it unwritten. */
async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
