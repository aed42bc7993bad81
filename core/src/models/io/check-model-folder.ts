import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputError } from '../../plugin-api/index.js';
import { readModelJson } from './file-system-io-handler.js';
import { weightByteLength } from './model-folder-format.js';

/**
 * Checks a tfjs layers-format folder without loading it: `model.json` parses and is well formed, and every weight
 * shard it lists exists with sizes adding up to what its manifest declares (a short, long or missing shard is
 * caught here, before any work, rather than when the model is first needed). Throws exit-2 errors naming the
 * file and what is wrong; `what` says where the folder comes from (for example `--weights`).
 */
export async function checkModelFolder(directory: string, what: string): Promise<void> {
  const folder = resolve(directory);
  let info;
  try {
    info = await stat(folder);
  } catch (cause) {
    throw inputError('ADVBENCH_ERR_MODEL_NOT_FOUND', `${what} ${folder}: not found`, { cause, details: { file: folder } });
  }
  if (!info.isDirectory()) throw inputError('ADVBENCH_ERR_MODEL_NOT_FOUND', `${what} ${folder}: is not a folder (expected a tfjs layers-format folder with model.json)`, { details: { file: folder } });
  const { json, path: modelJsonPath } = await readModelJson(folder);
  for (const [index, group] of json.weightsManifest.entries()) {
    let found = 0;
    for (const name of group.paths) {
      const path = join(folder, name);
      let size: number;
      try {
        const shard = await stat(path);
        if (!shard.isFile()) throw new Error('not a file');
        size = shard.size;
      } catch (cause) {
        throw inputError('ADVBENCH_ERR_MODEL_NOT_FOUND', `${path}: weight shard listed in ${modelJsonPath} (weightsManifest[${index}]) is missing`, { cause, details: { file: path } });
      }
      found += size;
    }
    const declared = group.weights.reduce((sum, spec) => sum + weightByteLength(spec, modelJsonPath), 0);
    if (found !== declared) {
      const files = group.paths.map((name) => join(folder, name)).join(', ');
      throw inputError(
        'ADVBENCH_ERR_MODEL_FILE',
        `${files}: the shards hold ${found} bytes but ${modelJsonPath} declares ${declared} bytes of weights (${found < declared ? 'truncated' : 'too long'}: mismatched or damaged files)`,
        { details: { file: files, foundBytes: found, declaredBytes: declared } },
      );
    }
  }
}
