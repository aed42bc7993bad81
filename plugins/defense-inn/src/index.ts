/**
 * @advbench/defense-inn: the interference neural network (INN) defense (Xiong, Liu, Xiong, arXiv 2310.05947).
 *
 * Training inputs get white noise, salt-and-pepper and one of K additive backgrounds; the network learns C*K
 * classes (`k * C + c`). At test time a random background (and, per the paper, the same noise) is applied, every
 * per-epoch checkpoint predicts, slot probabilities are summed per class and the checkpoints vote.
 * @packageDocumentation
 */
import { defineDefense } from '@advbench/core/plugin-api';
import { createInnDefense } from './inn-defense.js';
import { INN_PRESETS, parseInnOptions } from './inn-options.js';
import type { InnOptions } from './inn-options.js';

export type { InnInit, InnOptions, InputSquash, SlotMapping, VoteRule } from './inn-options.js';
export { BUILT_IN_BACKGROUND_COUNT, INN_PRESETS, parseInnOptions, trainingOptions } from './inn-options.js';
export { BUILT_IN_BACKGROUND_NAMES, generateBackgrounds, hashBackgrounds } from './backgrounds.js';
export { loadBackgroundFolder } from './background-folder.js';
export type { FolderBackgrounds } from './background-folder.js';
export {
  addBackgrounds,
  drawBackgroundIndices,
  innTransform,
  saltAndPepper,
  slotBackground,
  slotClass,
  slotLabel,
  slotLabels,
  squashTanh,
  whiteNoise,
} from './inn-transform.js';
export type { TransformSettings, TransformedImages } from './inn-transform.js';
export { combineVotes, slotLogProbabilities, slotProbabilities } from './decision-rule.js';
export { createInnClassifier, createInnSurfaces } from './inn-classifier.js';
export type { InnEnsemble } from './inn-classifier.js';
export { checkpointFolder, createInnDefense } from './inn-defense.js';

/** The INN defense plugin (`use: "inn"`). */
const innDefense = defineDefense<InnOptions>({
  id: 'inn',
  version: '0.1.0',
  description: 'Interference neural network (arXiv 2310.05947): noise + background classes, per-epoch checkpoint vote',
  presets: INN_PRESETS,
  parseOptions: (raw) => parseInnOptions(raw),
  create: (context, options) => createInnDefense(context, options),
});

export default innDefense;
