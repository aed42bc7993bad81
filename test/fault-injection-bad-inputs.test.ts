import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../core/src/compute/select-backend.js';
import { saveModel } from '../core/src/models/io/save-model.js';
import { buildModel } from '../core/src/models/zoo/model-zoo.js';
import { openStore } from '../core/src/store/result-store.js';
import { runCli } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-bad-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const weights = join(root, 'weights');
const SHARD = 'group1-shard1of1.bin';

beforeAll(async () => {
  await selectBackend('wasm');
  const model = buildModel('bench-resnet', { inputShape: [28, 28, 1], classes: 10, seed: 0 });
  await saveModel(model, weights);
  model.dispose();
}, 60_000);

/** Runs `advbench run` and checks it is refused with exit 2 before writing anything: `out` is never created. */
async function expectRefused(args: string[], out: string, ...fragments: string[]): Promise<string> {
  const result = await runCli(['run', ...args, '--out', out]);
  expect(result.code, result.stderr).toBe(2);
  for (const fragment of fragments) expect(result.stderr).toContain(fragment);
  expect(existsSync(out), `${out} was written`).toBe(false);
  return result.stderr;
}

function damagedWeights(name: string, damage: (folder: string) => void): string {
  const folder = join(root, name);
  cpSync(weights, folder, { recursive: true });
  damage(folder);
  return folder;
}

async function png(path: string): Promise<void> {
  await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: 90, g: 20, b: 200 } } }).png().toFile(path);
}

/** A config on an image folder, evaluation only. */
function imageFolderConfig(name: string, tree: string): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify({ dataset: { use: `imagefolder:${tree}`, resize: 8, crop: 8 }, model: 'bench-resnet', defenses: [{ use: 'none', options: { epochs: 1 } }], attacks: [], epsilons: [0], backend: 'wasm', cacheDirectory: join(root, 'cache') }));
  return path;
}

describe('bad checkpoints, images and files are refused before work (fault injection: the built CLI)', () => {
  it('refuses a corrupt model.json, a short, long or missing weight shard with exit 2, the path and what is wrong, writing nothing', async () => {
    const cases: Array<[string, (folder: string) => void, string[]]> = [
      ['corrupt-json', (folder) => writeFileSync(join(folder, 'model.json'), readFileSync(join(folder, 'model.json'), 'utf8').slice(0, 200)), ['model.json', 'not valid JSON']],
      ['short-shard', (folder) => truncateSync(join(folder, SHARD), 1000), [SHARD, 'the shards hold 1000 bytes', 'truncated']],
      ['long-shard', (folder) => appendFileSync(join(folder, SHARD), Buffer.alloc(16)), [SHARD, 'too long']],
      ['missing-shard', (folder) => rmSync(join(folder, SHARD)), [SHARD, 'is missing']],
    ];
    for (const [name, damage, fragments] of cases) {
      const folder = damagedWeights(name, damage);
      await expectRefused(['--preset', 'smoke', '--weights', folder], join(root, `out-${name}`), folder, ...fragments);
    }
  }, 120_000);

  it('refuses an undecodable x.JPEG and an empty class folder in an image folder, naming them, writing nothing', async () => {
    const broken = join(root, 'broken-images');
    for (const name of ['cat', 'dog']) mkdirSync(join(broken, 'val', name), { recursive: true });
    await png(join(broken, 'val', 'cat', 'a.png'));
    await png(join(broken, 'val', 'dog', 'b.png'));
    writeFileSync(join(broken, 'val', 'dog', 'x.JPEG'), Buffer.from('<html>an error page saved as a JPEG</html>'));
    await expectRefused(['--config', imageFolderConfig('broken', broken)], join(root, 'out-broken'), join(broken, 'val', 'dog', 'x.JPEG'), 'not a readable image');

    const empty = join(root, 'empty-class');
    for (const name of ['cat', 'dog']) mkdirSync(join(empty, 'val', name), { recursive: true });
    await png(join(empty, 'val', 'cat', 'a.png'));
    await expectRefused(['--config', imageFolderConfig('empty', empty)], join(root, 'out-empty'), join(empty, 'val', 'dog'), 'class folder holds no images');
  }, 120_000);

  it("refuses eotAttackOptions an attack's adaptive variant cannot take (exit 2, naming the entry and option), writing nothing", async () => {
    const config = join(root, 'eot-options.json');
    writeFileSync(config, JSON.stringify({ preset: 'smoke', attacks: [{ use: 'pgd', options: { steps: 2 } }], eotAttackOptions: { iterations: 3 }, cacheDirectory: join(root, 'cache') }));
    await expectRefused(['--config', config], join(root, 'never-eot'), 'attacks[0]: adaptive variant', 'iterations');
  });

  it('names a corrupt results.sqlite on re-run (exit 2) and the --seed flag for a bad seed', async () => {
    const out = join(root, 'corrupt-database');
    const store = openStore(out);
    store.close();
    const path = join(out, 'results.sqlite');
    // Keep SQLite's header, damage the pages after it.
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100);
    writeFileSync(path, bytes);
    for (const args of [['--preset', 'smoke', '--out', out], ['--resume', out]]) {
      const result = await runCli(['run', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${path} is not a readable advbench results database`);
    }

    for (const seed of ['-1', '4294967296', '1.5']) {
      const result = await runCli(['run', '--preset', 'smoke', '--seed', seed, '--out', join(root, 'never')]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--seed');
      expect(result.stderr).not.toContain('preset smoke');
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  }, 120_000);
});
