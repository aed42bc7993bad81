import { access, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { shippedImagenetClassesFile } from './data-location.js';
import { DATASET_MISSING, DATASET_REFERENCE, fileError } from './dataset-errors.js';
import type { LoadedDataset } from './dataset-types.js';
import { assertFolder } from './folder-check.js';
import { hashLines, imageGeometry } from './image-folder-dataset.js';
import { IMAGE_EXTENSIONS, listClassFolders, listSplit, type SplitListing } from './image-folder-listing.js';
import { ImageFolderSplit } from './image-folder-split.js';
import { imagenetClasses, type ImagenetClasses } from './imagenet-classes.js';
import { readValSolution, VAL_SOLUTION_FILE } from './imagenet-ground-truth.js';

/** Options of {@link loadImagenetDataset}. */
export interface ImagenetOptions {
  /** Shorter side after resizing (default 256). */
  resize?: number;
  /** Centre-crop size (default 224), at most `resize`. */
  crop?: number;
  /** Images decoded at once within a batch (default 8). */
  concurrency?: number;
  /** Called after each image is decoded. */
  onImageDecoded?(path: string): void;
}

/** How many unlabelled images an error names. */
const NAMED_IMAGES = 3;

/**
 * Opens ImageNet-1k as distributed: `<folder>/train/<wnid>/*.JPEG` (optional, for training) and either
 * `<folder>/val/<wnid>/*.JPEG` or the official flat `<folder>/val/*.JPEG` labelled by `LOC_val_solution.csv` (looked
 * for in `<folder>`, `<folder>/val` and up to three folders above `<folder>`, as in the Kaggle download where
 * `ILSVRC/Data/CLS-LOC/` sits three levels below it). Labels are always the standard indices: the 1000 wnids in
 * sorted order, so a subset of the classes still gives a pretrained 1000-class model its own labels, and the dataset
 * has 1000 classes whatever is present. A class folder that is not an ImageNet-1k wnid, a flat val/ without ground
 * truth, a malformed ground-truth file or an image it does not list is an exit-2 error naming the path. Images are
 * decoded batch by batch like `imagefolder:` (resize the shorter side, centre crop, RGB in [0, 1]).
 */
export async function loadImagenetDataset(folder: string, options: ImagenetOptions = {}): Promise<LoadedDataset> {
  const geometry = imageGeometry(options);
  await assertFolder(folder);
  const classes = await imagenetClasses();
  const trainFolder = join(folder, 'train');
  const valFolder = join(folder, 'val');
  const trainClasses = checkWnids(trainFolder, (await listClassFolders(trainFolder)) ?? [], classes);
  const valClasses = await listClassFolders(valFolder);
  if (valClasses === undefined) throw fileError(DATASET_MISSING, valFolder, 'imagenet needs a val/ folder (val/*.JPEG with LOC_val_solution.csv, or val/<wnid>/*.JPEG)');
  // Every wnid is a class of the standard index (the shipped list), so an empty wnid folder is a class without images
  // here, not a mistake as in imagefolder:.
  const classList = shippedImagenetClassesFile();
  const train = await listSplit(trainFolder, trainClasses, classes, classList);
  const test = valClasses.length > 0 ? await listSplit(valFolder, checkWnids(valFolder, valClasses, classes), classes, classList) : await listFlatVal(folder, valFolder, classes);
  if (test.paths.length === 0) throw fileError(DATASET_MISSING, valFolder, 'contains no images (val/*.JPEG or val/<wnid>/*.JPEG)');
  const splitOptions = { geometry, concurrency: options.concurrency, onImageDecoded: options.onImageDecoded };
  return {
    inputShape: [geometry.crop, geometry.crop, 3],
    classNames: [...classes.names],
    train: new ImageFolderSplit(train.paths, train.labels, splitOptions),
    test: new ImageFolderSplit(test.paths, test.labels, splitOptions),
    checksumsVerified: false,
    fingerprint: { format: 'imagenet-1k', geometry, train: hashLines(train.entries), test: hashLines(test.entries) },
  };
}

/** Returns `folders` when each is one of the 1000 wnids; else an exit-2 error naming the first that is not. */
function checkWnids(splitFolder: string, folders: string[], classes: ImagenetClasses): string[] {
  const unknown = folders.find((name) => !classes.labels.has(name));
  if (unknown !== undefined) {
    throw fileError(DATASET_REFERENCE, join(splitFolder, unknown), 'is not one of the 1000 ImageNet-1k class wnids (n01440764 ... n15075141); for other class sets use imagefolder:<folder>');
  }
  return folders;
}

/** The flat official val/ folder, labelled by the ground-truth file. */
async function listFlatVal(folder: string, valFolder: string, classes: ImagenetClasses): Promise<SplitListing> {
  const solution = await findValSolution(folder);
  const truth = await readValSolution(solution, classes);
  const files = (await readdir(valFolder, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort();
  const unlabelled = files.filter((file) => !truth.has(basename(file, extname(file))));
  if (unlabelled.length > 0) {
    const more = unlabelled.length > NAMED_IMAGES ? ` and ${unlabelled.length - NAMED_IMAGES} more` : '';
    throw fileError(DATASET_REFERENCE, solution, `lists no class for ${unlabelled.slice(0, NAMED_IMAGES).map((file) => join(valFolder, file)).join(', ')}${more}`);
  }
  const labels = files.map((file) => truth.get(basename(file, extname(file)))!);
  return {
    paths: files.map((file) => join(valFolder, file)),
    labels: Int32Array.from(labels),
    entries: files.map((file, index) => `${classes.wnids[labels[index]]}/${file}`),
  };
}

/** The first `LOC_val_solution.csv` in `<folder>`, `<folder>/val` or up to three folders above; else an exit-2 error listing where it looked. */
async function findValSolution(folder: string): Promise<string> {
  const places = [folder, join(folder, 'val')];
  for (let above = dirname(folder), level = 0; level < 3 && above !== places[places.length - 1]; above = dirname(above), level += 1) places.push(above);
  for (const place of places) {
    const candidate = join(place, VAL_SOLUTION_FILE);
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not here; try the next place
    }
  }
  throw fileError(DATASET_MISSING, join(folder, 'val'), `holds images directly, so it needs the ground truth ${VAL_SOLUTION_FILE} (looked in ${[...new Set(places)].join(', ')}), or put the images in val/<wnid>/ folders`);
}
