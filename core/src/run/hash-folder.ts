import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * SHA-256 (hex) of a folder's files: their relative paths and contents, in sorted order. `skip` (given a name
 * and whether it is a folder) leaves entries out, for example `node_modules`.
 */
export async function hashFolder(folder: string, skip: (name: string, isDirectory: boolean) => boolean = () => false): Promise<string> {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (skip(entry.name, entry.isDirectory())) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(folder);
  for (const path of files.sort()) {
    hash.update(relative(folder, path)).update('\0').update(await readFile(path)).update('\0');
  }
  return hash.digest('hex');
}
