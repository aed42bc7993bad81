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

  it('binds keys to the dataset, architecture, seed, code version and backend', () => {
    const folder = temporaryFolder();
    const keys = new Set(
      [scope, { ...scope, datasetHash: 'd2' }, { ...scope, architecture: 'other' }, { ...scope, seed: 2 }, { ...scope, codeVersion: '0.2.0' }, { ...scope, backend: 'wasm' }, { ...scope, backend: 'webgpu' }].map((s) =>
        new FileModelCache(folder, s).keyOf({ defense: 'inn' }),
      ),
    );
    expect(keys.size).toBe(7);
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

  it('leaves the temporary folders of other machines sharing the cache alone until they are a week old', async () => {
    const folder = temporaryFolder();
    const { mkdirSync, utimesSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const local = `.tmp-00ff-${2 ** 22 + 1}-abcd@${hostname().replace(/[^A-Za-z0-9.-]/g, '-')}`;
    const fresh = `.tmp-00ff-${2 ** 22 + 1}-abcd@other-machine`;
    const stale = `.tmp-00ff-${2 ** 22 + 1}-abce@other-machine`;
    for (const name of [local, fresh, stale]) mkdirSync(join(folder, name));
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(join(folder, stale), weekAgo, weekAgo);
    await new FileModelCache(folder, scope).getOrCreate({ e: 1 }, async () => ({}));
    const names = readdirSync(folder);
    expect(names).not.toContain(local);
    expect(names).toContain(fresh);
    expect(names).not.toContain(stale);
  });
});

describe('FileModelCache verification', () => {
  async function builtEntry() {
    const folder = temporaryFolder();
    const warnings: string[] = [];
    const cache = new FileModelCache(folder, scope, { logger: { warn: (message: string) => warnings.push(message) } });
    let builds = 0;
    const create = async (directory: string) => {
      builds += 1;
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(directory, 'nested'));
      await writeFile(join(directory, 'weights.bin'), Buffer.alloc(64, 7));
      await writeFile(join(directory, 'nested', 'model.json'), '{"a":1}');
      return {};
    };
    const first = await cache.getOrCreate({ d: 1 }, create);
    return { folder, cache, create, first, warnings, builds: () => builds };
  }

  it('records the size and SHA-256 of every file, and hits when they are intact', async () => {
    const { cache, create, first, warnings, builds } = await builtEntry();
    expect(first.metadata.files).toEqual({
      'nested/model.json': { bytes: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      'weights.bin': { bytes: 64, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect((await cache.getOrCreate({ d: 1 }, create)).hit).toBe(true);
    expect(builds()).toBe(1);
    expect(warnings).toEqual([]);
  });

  const damages: Array<[string, (directory: string) => Promise<void>, RegExp]> = [
    ['a changed byte (same size)', async (directory) => writeFile(join(directory, 'weights.bin'), Buffer.concat([Buffer.alloc(63, 7), Buffer.from([8])])), /weights\.bin: content changed \(sha256/],
    ['a truncated file', async (directory) => writeFile(join(directory, 'weights.bin'), Buffer.alloc(10, 7)), /weights\.bin: 10 bytes, recorded 64 \(truncated\)/],
    ['a missing file', async (directory) => rmSync(join(directory, 'nested', 'model.json')), /nested\/model\.json: missing/],
    ['an extra file', async (directory) => writeFile(join(directory, 'stray.bin'), 'x'), /stray\.bin: not recorded/],
    ['no metadata (half copied)', async (directory) => rmSync(join(directory, 'advbench-cache.json')), /advbench-cache\.json: missing/],
    ['metadata without hashes (older advbench)', async (directory) => writeFile(join(directory, 'advbench-cache.json'), '{"key":"k"}'), /records no file hashes/],
  ];
  for (const [what, damage, reported] of damages) {
    it(`reports an entry with ${what}, moves it aside and rebuilds it`, async () => {
      const { folder, cache, create, first, warnings, builds } = await builtEntry();
      await damage(first.directory);
      const second = await cache.getOrCreate({ d: 1 }, create);
      expect(second.hit).toBe(false);
      expect(builds()).toBe(2);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(first.directory);
      expect(warnings[0]).toMatch(reported);
      expect(await readFile(join(second.directory, 'weights.bin'))).toEqual(Buffer.alloc(64, 7));
      expect(readdirSync(folder).filter((name) => name.startsWith('.damaged-'))).toHaveLength(1);
      expect((await cache.getOrCreate({ d: 1 }, create)).hit).toBe(true);
    });
  }
});

describe('FileModelCache across processes', () => {
  it('builds a key once when two caches (two processes) ask for it at the same time; the other waits and hits', async () => {
    const folder = temporaryFolder();
    let builds = 0;
    const create = async (directory: string) => {
      builds += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writeFile(join(directory, 'weights.bin'), Buffer.alloc(16, 1));
      return {};
    };
    const [one, two] = await Promise.all([new FileModelCache(folder, scope).getOrCreate({ shared: 1 }, create), new FileModelCache(folder, scope).getOrCreate({ shared: 1 }, create)]);
    expect(builds).toBe(1);
    expect([one.hit, two.hit].sort()).toEqual([false, true]);
    expect(one.directory).toBe(two.directory);
    expect(readdirSync(folder).filter((name) => name.startsWith('.lock-'))).toEqual([]);
  });

  it('takes over the lock of a killed process at once, and builds', async () => {
    const folder = temporaryFolder();
    const cache = new FileModelCache(folder, scope);
    const { hostname } = await import('node:os');
    await writeFile(join(folder, `.lock-${cache.keyOf({ orphan: 1 })}`), `${hostname()} ${2 ** 22 + 1} 2026-01-01T00:00:00.000Z\n`);
    const started = Date.now();
    const entry = await cache.getOrCreate({ orphan: 1 }, async () => ({}));
    expect(entry.hit).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
