import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LayersModel } from '../../plugin-api/index.js';
import { AdvbenchError, isAdvbenchError } from '../../plugin-api/index.js';
import { CHECKPOINT_FILE, checkpointMetadataOf } from './checkpoint-metadata.js';
import { fileSystemIOHandler, writeFileSynced } from './file-system-io-handler.js';

/**
 * Saves `model` to `directory` in tfjs layers format (`model.json`, weight shards, `advbench-checkpoint.json`),
 * atomically: everything is written and fsynced into a sibling temp folder `<directory>.tmp-<pid>-<random>`,
 * the metadata last, and only then renamed over `directory`. A crash leaves either the old folder or the new one,
 * plus at worst a stray temp folder that {@link loadModel} never reads. An existing `directory` is replaced.
 */
export async function saveModel(model: LayersModel, directory: string): Promise<void> {
  const target = resolve(directory);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = `${target}.tmp-${suffix}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await model.save(fileSystemIOHandler(temporary));
    await writeFileSynced(join(temporary, CHECKPOINT_FILE), new TextEncoder().encode(`${JSON.stringify(checkpointMetadataOf(model), null, 2)}\n`));
    await syncDirectory(temporary);
    await replaceDirectory(temporary, target, `${target}.old-${suffix}`);
    await syncDirectory(dirname(target));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (isAdvbenchError(error)) throw error;
    throw new AdvbenchError('ADVBENCH_ERR_MODEL_SAVE', `cannot save the model to ${target}: ${(error as Error).message}`, { cause: error, details: { directory: target } });
  }
}

/** Renames `source` to `target`; an existing `target` is first moved aside to `aside`, then removed. */
async function replaceDirectory(source: string, target: string, aside: string): Promise<void> {
  try {
    await rename(source, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw error;
  }
  await rename(target, aside);
  await rename(source, target);
  await rm(aside, { recursive: true, force: true });
}

/** fsyncs a folder, so the renames and new entries in it are on disk. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on folders; the data files themselves were synced.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/** True when `name` is a temp or set-aside folder left by an interrupted {@link saveModel}. */
export function isInterruptedSaveFolder(name: string): boolean {
  return /\.(tmp|old)-\d+-[0-9a-f]{8}$/.test(basename(name));
}
