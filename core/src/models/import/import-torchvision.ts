import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape } from '../../plugin-api/index.js';
import { inputError } from '../../plugin-api/index.js';
import { countParameters } from '../count-parameters.js';
import { saveModel } from '../io/save-model.js';
import { buildModel } from '../zoo/model-zoo.js';
import { TORCHVISION_RESNETS } from '../zoo/torchvision-resnet.js';
import { readSafetensors } from './read-safetensors.js';
import { mapTorchvisionStateDict } from './torchvision-state-dict.js';

/** What `advbench models import` wrote. */
export interface ImportSummary {
  /** The safetensors file read. */
  file: string;
  /** Zoo architecture. */
  architecture: string;
  /** The checkpoint folder written (tfjs layers format, loadable with `--weights`). */
  out: string;
  /** Classes of the head, from `fc.weight`. */
  classes: number;
  /** Input [height, width, channels] of the saved model. */
  inputShape: ImageShape;
  /** Scalar weights, batch-norm statistics included. */
  parameters: number;
  /** state_dict tensors mapped. */
  tensors: number;
}

/**
 * Imports a torchvision ResNet state_dict saved as `.safetensors` into the zoo's `architecture` (`tv-resnet18` ...
 * `tv-resnet152`, `tv-wide-resnet50-2`) and saves it to `out` as an advbench checkpoint (tfjs layers format), which a
 * run loads with `--weights out`. The head's class count comes from `fc.weight`. The whole state_dict is checked
 * against the architecture before anything is written: a wrong architecture, a mismatching state_dict or a
 * malformed file throws an exit-2 error and leaves `out` untouched. Runs on the active tfjs backend.
 */
export async function importTorchvision(file: string, options: { architecture: string; out: string; inputShape?: ImageShape }): Promise<ImportSummary> {
  const path = resolve(file);
  const { architecture } = options;
  if (!(architecture in TORCHVISION_RESNETS)) {
    const known = Object.keys(TORCHVISION_RESNETS);
    throw inputError('ADVBENCH_ERR_MODEL_ARCHITECTURE', `cannot import PyTorch weights into "${architecture}": importable architectures are ${known.join(', ')}`, {
      details: { architecture, known },
    });
  }
  const stateDict = await readSafetensors(path);
  const head = stateDict.get('fc.weight') ?? stateDict.get('module.fc.weight');
  if (!head || head.shape.length !== 2 || head.shape[0] < 1) {
    throw inputError('ADVBENCH_ERR_MODEL_WEIGHTS', `${path}: has no 2-D fc.weight, so it is not a torchvision ResNet state_dict (keys: ${[...stateDict.keys()].slice(0, 5).join(', ')}...)`, {
      details: { file: path },
    });
  }
  const classes = head.shape[0];
  const inputShape = options.inputShape ?? [224, 224, 3];
  const model = buildModel(architecture, { inputShape, classes, seed: 0, initialization: 'zeros' });
  try {
    const mapped = mapTorchvisionStateDict(model, stateDict, path);
    const variables = new Map(model.weights.map((variable) => [variable.originalName, variable]));
    for (const weight of mapped) {
      const values = tf.tensor(weight.values, weight.shape, 'float32');
      variables.get(weight.variable)!.write(values);
      values.dispose();
    }
    const out = resolve(options.out);
    await saveModel(model, out);
    return { file: path, architecture, out, classes, inputShape, parameters: countParameters(model), tensors: mapped.length };
  } finally {
    model.dispose();
  }
}
