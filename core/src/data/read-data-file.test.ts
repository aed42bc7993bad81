import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearDataFileCache, locateDataFile, readDataFile } from './read-data-file.js';

let folder: string;
const content = Buffer.from('advbench test bytes '.repeat(100));
const sha = createHash('sha256').update(content).digest('hex');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'advbench-read-'));
  await writeFile(join(folder, 'raw-file'), content);
  await writeFile(join(folder, 'zipped-file.gz'), gzipSync(content));
  const broken = gzipSync(content);
  await writeFile(join(folder, 'cut-file.gz'), broken.subarray(0, broken.length - 10));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

describe('readDataFile', () => {
  it('reads raw and gzipped files to the same bytes and checksum', async () => {
    const raw = await readDataFile(join(folder, 'raw-file'));
    const zipped = await readDataFile(join(folder, 'zipped-file.gz'));
    expect(Buffer.from(raw.bytes).equals(content)).toBe(true);
    expect(Buffer.from(zipped.bytes).equals(content)).toBe(true);
    expect(raw.sha256).toBe(sha);
    expect(zipped.sha256).toBe(sha);
  });

  it('names a gzip file that fails to inflate', async () => {
    const path = join(folder, 'cut-file.gz');
    await expect(readDataFile(path)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CORRUPT', message: expect.stringContaining(`${path}: gzip data fails to inflate`) });
  });

  it('names a missing file', async () => {
    await expect(readDataFile(join(folder, 'nothing'))).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_MISSING' });
  });
});

describe('locateDataFile', () => {
  it('finds the raw name, then the .gz name, and names both when neither exists', async () => {
    expect(await locateDataFile(folder, 'raw-file')).toBe(join(folder, 'raw-file'));
    expect(await locateDataFile(folder, 'zipped-file')).toBe(join(folder, 'zipped-file.gz'));
    await expect(locateDataFile(folder, 'absent')).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/looked for absent and absent\.gz/) });
  });
});

describe('readDataFile cache', () => {
  it('reads a rewritten file again instead of serving the cached bytes', async () => {
    const path = join(folder, 'changing-file');
    await writeFile(path, Buffer.from('first version'));
    const first = await readDataFile(path);
    expect(await readDataFile(path)).toBe(first);
    await writeFile(path, Buffer.from('second version, longer'));
    const second = await readDataFile(path);
    expect(Buffer.from(second.bytes).toString()).toBe('second version, longer');
    clearDataFileCache();
    expect(await readDataFile(path)).not.toBe(second);
  });
});
