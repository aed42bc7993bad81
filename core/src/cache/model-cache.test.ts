import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileModelCache, type ModelCacheScope } from './model-cache.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'advbench-cache-'));
  folders.push(folder);
  return folder;
}
const scope: ModelCacheScope = { datasetHash: 'd1', architecture: 'tiny', seed: 1, codeVersion: '0.1.0' };

describe('FileModelCache', () => {
  it('builds once, then hits with the stored metadata and files', async () => {
    const cache = new FileModelCache(temporaryFolder(), scope);
    let builds = 0;
    const create = async (directory: string) => {
      builds += 1;
      await writeFile(join(directory, 'weights.bin'), 'w');
      return { seconds: 3 };
    };
    const first = await cache.getOrCreate({ defense: 'inn', alpha: 1 }, create);
    const second = await cache.getOrCreate({ alpha: 1, defense: 'inn' }, create);
    expect(builds).toBe(1);
    expect(first.hit).toBe(false);
    expect(second.hit).toBe(true);
    expect(second.directory).toBe(first.directory);
    expect(second.metadata.seconds).toBe(3);
    expect(await readFile(join(second.directory, 'weights.bin'), 'utf8')).toBe('w');
  });

  it('binds keys to the dataset, architecture, seed and code version', () => {
    const folder = temporaryFolder();
    const keys = new Set(
      [scope, { ...scope, datasetHash: 'd2' }, { ...scope, architecture: 'other' }, { ...scope, seed: 2 }, { ...scope, codeVersion: '0.2.0' }].map((s) =>
        new FileModelCache(folder, s).keyOf({ defense: 'inn' }),
      ),
    );
    expect(keys.size).toBe(5);
  });

  it('leaves nothing behind when creation fails, and shares one build between concurrent callers', async () => {
    const folder = temporaryFolder();
    const cache = new FileModelCache(folder, scope);
    await expect(cache.getOrCreate({ a: 1 }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(readdirSync(folder)).toEqual([]);
    let builds = 0;
    const create = async () => {
      builds += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return {};
    };
    const [one, two] = await Promise.all([cache.getOrCreate({ b: 1 }, create), cache.getOrCreate({ b: 1 }, create)]);
    expect(builds).toBe(1);
    expect(one.directory).toBe(two.directory);
    expect(existsSync(one.directory)).toBe(true);
  });
});

describe('FileModelCache cleanup', () => {
  it('removes temporary folders of dead processes and keeps those of live ones', async () => {
    const folder = temporaryFolder();
    const { mkdirSync } = await import('node:fs');
    // pid 2^22 + 1 is above Linux's pid_max default ceiling, so no process has it.
    mkdirSync(join(folder, `.tmp-00ff-${2 ** 22 + 1}-abcd`), { recursive: true });
    mkdirSync(join(folder, `.tmp-00ff-${process.ppid}-abcd`), { recursive: true });
    const cache = new FileModelCache(folder, scope);
    await cache.getOrCreate({ c: 1 }, async () => ({}));
    const names = readdirSync(folder);
    expect(names).not.toContain(`.tmp-00ff-${2 ** 22 + 1}-abcd`);
    expect(names).toContain(`.tmp-00ff-${process.ppid}-abcd`);
  });
});
