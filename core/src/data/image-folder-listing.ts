import { readFile, readdir } from 'node:fs/promises';
import { DATASET_MISSING, DATASET_REFERENCE, corruptFile, fileError } from './dataset-errors.js';
import { inputError } from '../plugin-api/index.js';

/** File extensions (lower case) the imagefolder loader reads. */
export const IMAGE_EXTENSIONS = ['.jpeg', '.jpg', '.png', '.webp', '.tif', '.tiff', '.bmp'];

/** The class index: folder name to label, and display names. */
export interface ClassIndex {
  /** Label of each class folder name. */
  labels: Map<string, number>;
  /** Display name of each label (the human name from the JSON when it has one, else the folder name). */
  names: string[];
}

/** The images of one split: paths and labels, in a fixed order (by class, then by file name). */
export interface SplitListing {
  /** Image paths. */
  paths: string[];
  /** Label of each path. */
  labels: Int32Array;
  /** `<class>/<file>` of each image, for the content fingerprint. */
  entries: string[];
}

/** Class folder names under `<folder>` (sorted); an empty list when the folder does not exist. */
export async function listClassFolders(folder: string): Promise<string[] | undefined> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(DATASET_MISSING, folder, `cannot be read (${(error as Error).message})`, error);
  }
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/** The class index from sorted folder names: label i is the i-th name. */
export function classIndexFromFolders(folderNames: string[]): ClassIndex {
  const names = [...new Set(folderNames)].sort();
  return { labels: new Map(names.map((name, index) => [name, index])), names };
}

/**
 * Reads a class-index JSON. Accepted shapes: Keras' `imagenet_class_index.json` (`{"0": ["n01440764", "tench"], ...}`),
 * a folder-to-label map (`{"n01440764": 0, ...}`), or an array of folder names in label order. Labels must be
 * 0..C-1, each once. Anything else is an exit-2 error naming the file.
 */
export async function readClassIndex(path: string): Promise<ClassIndex> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileError(DATASET_MISSING, path, 'class-index file not found', error);
    throw corruptFile(path, `class-index JSON cannot be read (${(error as Error).message})`, error);
  }
  const pairs: Array<{ folder: string; label: number; name: string }> = [];
  if (Array.isArray(parsed)) {
    parsed.forEach((folder, label) => {
      if (typeof folder !== 'string') throw corruptFile(path, `class-index entry ${label} must be a folder name (string)`);
      pairs.push({ folder, label, name: folder });
    });
  } else if (typeof parsed === 'object' && parsed !== null) {
    for (const [key, value] of Object.entries(parsed)) {
      if (Array.isArray(value) && typeof value[0] === 'string' && /^\d+$/.test(key)) {
        pairs.push({ folder: value[0], label: Number(key), name: typeof value[1] === 'string' ? value[1] : value[0] });
      } else if (typeof value === 'number' && Number.isInteger(value)) {
        pairs.push({ folder: key, label: value, name: key });
      } else {
        throw corruptFile(path, `class-index entry "${key}" must be a label (integer) or a ["folder", "name"] pair`);
      }
    }
  } else {
    throw corruptFile(path, 'class-index JSON must be an object or an array');
  }
  const names: string[] = new Array(pairs.length);
  const labels = new Map<string, number>();
  for (const pair of pairs) {
    if (pair.label < 0 || pair.label >= pairs.length || names[pair.label] !== undefined) {
      throw corruptFile(path, `class-index labels must be 0..${pairs.length - 1}, each once; label ${pair.label} (folder "${pair.folder}") breaks that`);
    }
    if (labels.has(pair.folder)) throw corruptFile(path, `class-index lists folder "${pair.folder}" twice`);
    names[pair.label] = pair.name;
    labels.set(pair.folder, pair.label);
  }
  if (pairs.length === 0) throw corruptFile(path, 'class-index lists no classes');
  return { labels, names };
}

/**
 * Lists `<split folder>/<class>/<image>` files, labelled by `index`. A class folder missing from the index is an
 * exit-2 error naming it; so is a class folder without images, unless a class-index file (`classIndexPath`)
 * lists it (it then stays a class with no images in this split); files with other extensions are skipped.
 */
export async function listSplit(splitFolder: string, classFolders: string[], index: ClassIndex, classIndexPath?: string): Promise<SplitListing> {
  const paths: string[] = [];
  const labels: number[] = [];
  const entries: string[] = [];
  for (const folder of classFolders) {
    const label = index.labels.get(folder);
    if (label === undefined) {
      throw inputError(DATASET_REFERENCE, `${splitFolder}/${folder}: class folder is not in the class index ${classIndexPath ?? ''}`.trim(), {
        details: { file: `${splitFolder}/${folder}`, classIndex: classIndexPath },
      });
    }
    const files = (await readdir(`${splitFolder}/${folder}`, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension)))
      .map((entry) => entry.name)
      .sort();
    if (files.length === 0 && classIndexPath === undefined) {
      throw inputError(DATASET_REFERENCE, `${splitFolder}/${folder}: class folder holds no images (${IMAGE_EXTENSIONS.join(', ')}); add its images, remove it, or list it in a dataset.classIndex file to keep it as a class`, {
        details: { file: `${splitFolder}/${folder}` },
      });
    }
    for (const file of files) {
      paths.push(`${splitFolder}/${folder}/${file}`);
      labels.push(label);
      entries.push(`${folder}/${file}`);
    }
  }
  return { paths, labels: Int32Array.from(labels), entries };
}
