import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { shippedFashionMnistFolder } from '../../data/data-location.js';
import { IDX_FILE_NAMES } from '../../data/idx-dataset.js';
import { dataCommand } from './data-command.js';

const temporary: string[] = [];
afterAll(async () => {
  for (const folder of temporary) await rm(folder, { recursive: true, force: true });
});

/** Runs `data <args>` and returns what it wrote to stdout. */
async function run(args: string[]): Promise<string> {
  let output = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += chunk.toString();
    return true;
  });
  try {
    const command = dataCommand().exitOverride();
    for (const child of command.commands) child.exitOverride();
    await command.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return output;
}

describe('advbench data describe', () => {
  it('reports Fashion-MNIST as JSON: 60000 / 10000, [28, 28, 1], 10 classes, checksums verified', async () => {
    const description = JSON.parse(await run(['describe', 'fashion-mnist', '--json']));
    expect(description).toMatchObject({ name: 'fashion-mnist', trainCount: 60000, testCount: 10000, inputShape: [28, 28, 1], classes: 10, checksumsVerified: true });
    expect(description.classNames).toHaveLength(10);
    expect(description.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(description).sort()).toEqual(['checksumsVerified', 'classNames', 'classes', 'contentHash', 'inputShape', 'name', 'testCount', 'trainCount']);
  });

  it('prints a table with subset counts', async () => {
    const text = await run(['describe', 'fashion-mnist', '--train-samples', '500', '--test-samples', '50', '--seed', '9']);
    expect(text).toMatch(/train images\s*│\s*500/);
    expect(text).toMatch(/test images\s*│\s*50 /);
    expect(text).toContain('verified (SHA-256 matches the official files)');
  });

  it('fails with exit code 2 naming the file when a copy has a flipped byte', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'advbench-describe-'));
    temporary.push(folder);
    for (const name of Object.values(IDX_FILE_NAMES)) await copyFile(join(shippedFashionMnistFolder(), `${name}.gz`), join(folder, `${name}.gz`));
    const target = join(folder, `${IDX_FILE_NAMES.trainLabels}.gz`);
    const bytes = gunzipSync(await readFile(target));
    bytes[12345] ^= 0x80;
    await writeFile(target, gzipSync(bytes));
    await expect(run(['describe', `idx:${folder}`, '--json'])).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_CHECKSUM', message: expect.stringContaining(target) });
  });

  it('refuses an unknown scheme and a bad flag value', async () => {
    await expect(run(['describe', 'mnist'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('known: fashion-mnist, idx:<folder>') });
    await expect(run(['describe', 'fashion-mnist', '--train-samples', 'lots'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });
});
