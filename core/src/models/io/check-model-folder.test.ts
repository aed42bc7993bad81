import { mkdtemp, rm, truncate, writeFile, appendFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../compute/select-backend.js';
import { expectInputError } from '../testing/expect-input-error.js';
import { tinyResnet } from '../testing/tiny-models.js';
import { checkModelFolder } from './check-model-folder.js';
import { saveModel } from './save-model.js';

let root: string;
let saved: string;
beforeAll(async () => {
  await selectBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'advbench-check-model-'));
  saved = join(root, 'saved');
  const model = tinyResnet({ seed: 1 });
  await saveModel(model, saved);
  model.dispose();
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function damaged(name: string, damage: (folder: string) => Promise<void>): Promise<string> {
  const folder = join(root, name);
  await cp(saved, folder, { recursive: true });
  await damage(folder);
  return folder;
}

describe('checkModelFolder', () => {
  it('passes a saved model without loading it', async () => {
    await expect(checkModelFolder(saved, '--weights')).resolves.toBeUndefined();
  });

  it('refuses a short, long or missing shard, a corrupt model.json and a missing folder, naming the file', async () => {
    const shard = 'group1-shard1of1.bin';
    await expectInputError(checkModelFolder(await damaged('short', (folder) => truncate(join(folder, shard), 100)), '--weights'), shard, 'the shards hold 100 bytes', 'truncated');
    await expectInputError(checkModelFolder(await damaged('long', (folder) => appendFile(join(folder, shard), Buffer.alloc(8))), '--weights'), shard, 'too long');
    await expectInputError(checkModelFolder(await damaged('missing', (folder) => rm(join(folder, shard))), '--weights'), join(root, 'missing', shard), 'is missing');
    await expectInputError(checkModelFolder(await damaged('corrupt', (folder) => writeFile(join(folder, 'model.json'), '{"modelTopology": {')), '--weights'), join(root, 'corrupt', 'model.json'), 'not valid JSON');
    await expectInputError(checkModelFolder(join(root, 'absent'), '--weights'), '--weights', 'not found');
  });
});
