import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagenetClasses } from './imagenet-classes.js';
import { loadImagenetDataset } from './imagenet-dataset.js';
import { openDataset } from './open-dataset.js';
import { writeImagenetMiniature } from './testing/imagenet-miniature.js';

/** goldfish (1), tabby (281), volcano (980): the standard ImageNet-1k labels. */
const WNIDS = ['n09472597', 'n01443537', 'n02123045'];
const LABELS: Record<string, number> = { n01443537: 1, n02123045: 281, n09472597: 980 };
let root: string;
let flat: string;
let folders: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'advbench-imagenet-'));
  flat = join(root, 'flat');
  folders = join(root, 'folders');
  await writeImagenetMiniature(flat, { wnids: WNIDS, trainPerClass: 2, valPerClass: 2, valLayout: 'flat', size: 20 });
  await writeImagenetMiniature(folders, { wnids: WNIDS, trainPerClass: 1, valPerClass: 2, valLayout: 'folders', size: 20 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy of the flat miniature with `LOC_val_solution.csv` replaced by `text` (or removed when undefined). */
async function withGroundTruth(name: string, text: string | undefined): Promise<string> {
  const folder = join(root, name);
  await writeImagenetMiniature(folder, { wnids: WNIDS, trainPerClass: 0, valPerClass: 1, valLayout: 'flat', size: 20 });
  if (text === undefined) await rm(join(folder, 'LOC_val_solution.csv'));
  else await writeFile(join(folder, 'LOC_val_solution.csv'), text);
  return folder;
}

describe('imagenet: datasets', () => {
  it('ship the 1000 standard wnids in sorted order', async () => {
    const classes = await imagenetClasses();
    expect(classes.wnids.length).toBe(1000);
    expect(classes.wnids[0]).toBe('n01440764');
    expect(classes.wnids[999]).toBe('n15075141');
    expect(classes.names[281]).toBe('tabby');
  });

  it('read the official layout (flat val/ + LOC_val_solution.csv) with the standard labels, whatever classes are present', async () => {
    const loaded = await loadImagenetDataset(flat, { resize: 16, crop: 16 });
    expect(loaded.classNames.length).toBe(1000);
    expect(loaded.inputShape).toEqual([16, 16, 3]);
    expect(loaded.train.count).toBe(6);
    expect(loaded.test.count).toBe(6);
    // train/ sorted by wnid; val/ sorted by file name (the ids were numbered in WNIDS order).
    expect(Array.from(loaded.train.labels)).toEqual([1, 1, 281, 281, 980, 980]);
    const truth = (await readFile(join(flat, 'LOC_val_solution.csv'), 'utf8')).split('\n').slice(1, -1).map((row) => LABELS[row.split(',')[1].split(' ')[0]]);
    expect(Array.from(loaded.test.labels)).toEqual(truth);
    expect(Array.from(loaded.test.labels)).toEqual([980, 980, 1, 1, 281, 281]);
    for await (const batch of loaded.test.batches({ batchSize: 4 })) {
      expect(batch.images.every((value) => value >= 0 && value <= 1)).toBe(true);
      expect(batch.shape).toEqual([16, 16, 3]);
    }
  });

  it('read val/<wnid>/ folders too, and through openDataset with a stratified subset', async () => {
    const loaded = await loadImagenetDataset(folders, { resize: 16, crop: 12 });
    expect(Array.from(loaded.test.labels)).toEqual([1, 1, 281, 281, 980, 980]);
    const dataset = await openDataset({ reference: `imagenet:${flat}`, resize: 16, crop: 16, testSamples: 3 }, { seed: 0 });
    expect(dataset.info.classes).toBe(1000);
    expect(dataset.info.testCount).toBe(3);
    expect(new Set(Array.from(dataset.test.labels))).toEqual(new Set([1, 281, 980]));
    await expect(openDataset({ reference: `imagenet:${flat}`, classIndex: 'x.json' }, { seed: 0 })).rejects.toThrow(/dataset.classIndex applies to imagefolder datasets only/);
  });

  it('refuse a missing or malformed ground-truth file with exit 2, naming the file and the line', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['missing', undefined, /val: holds images directly, so it needs the ground truth LOC_val_solution\.csv \(looked in /],
      ['header', 'id,label\nILSVRC2012_val_00000001,n09472597\n', /LOC_val_solution\.csv: line 1 must be the header "ImageId,PredictionString"/],
      ['no-class', 'ImageId,PredictionString\nILSVRC2012_val_00000001\n', /LOC_val_solution\.csv: line 2: expected "<ImageId>,<wnid> <box>\.\.\."/],
      ['unknown-class', 'ImageId,PredictionString\nILSVRC2012_val_00000001,n99999999 1 2 3 4\n', /line 2: image ILSVRC2012_val_00000001 has class "n99999999", not one of the 1000/],
      ['duplicate', 'ImageId,PredictionString\nILSVRC2012_val_00000001,n09472597 1 2 3 4\nILSVRC2012_val_00000001,n09472597 1 2 3 4\n', /line 3: image ILSVRC2012_val_00000001 is listed twice/],
      ['two-classes', 'ImageId,PredictionString\nILSVRC2012_val_00000001,n09472597 1 2 3 4 n01443537 1 2 3 4\n', /line 2: image ILSVRC2012_val_00000001 has boxes of 2 classes/],
      ['incomplete', 'ImageId,PredictionString\nILSVRC2012_val_00000001,n09472597 1 2 3 4\n', /LOC_val_solution\.csv: lists no class for .*ILSVRC2012_val_00000002\.JPEG/],
    ];
    for (const [name, text, message] of cases) {
      const folder = await withGroundTruth(name, text);
      const attempt = loadImagenetDataset(folder, { resize: 16, crop: 16 });
      await expect(attempt, name).rejects.toMatchObject({ exitCode: 2 });
      await expect(attempt, name).rejects.toThrow(message);
    }
  });

  it('refuse a class folder that is not an ImageNet-1k wnid, and a missing val/', async () => {
    const folder = join(root, 'not-imagenet');
    await writeImagenetMiniature(folder, { wnids: ['n01443537'], trainPerClass: 1, valPerClass: 1, valLayout: 'folders', size: 20 });
    await mkdir(join(folder, 'train', 'cats'));
    await expect(loadImagenetDataset(folder)).rejects.toThrow(/train\/cats: is not one of the 1000 ImageNet-1k class wnids/);
    await rm(join(folder, 'train', 'cats'), { recursive: true });
    await rm(join(folder, 'val'), { recursive: true });
    await expect(loadImagenetDataset(folder)).rejects.toMatchObject({ exitCode: 2, code: 'ADVBENCH_ERR_DATASET_MISSING' });
  });
});
