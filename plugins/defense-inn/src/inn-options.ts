import { OptionsReader, inputError } from '@advbench/core/plugin-api';

/** How the C*K slot outputs of a checkpoint become a prediction over the C classes. */
export type SlotMapping = 'sum' | 'argmax-mod';

/** How the predictions of the checkpoints (and random draws) are combined. */
export type VoteRule = 'soft' | 'hard';

/** Squashing applied after the background: none (paper) or the authors' CIFAR code's `tanh(1.5 (x - 0.5) + 0.5)`. */
export type InputSquash = 'none' | 'tanh';

/** Where the INN classifier starts from before training. */
export type InnInit = 'base' | 'scratch';

/** Number of built-in artificial backgrounds. */
export const BUILT_IN_BACKGROUND_COUNT = 8;

/** Most backgrounds a user folder may provide. */
export const MAX_FOLDER_BACKGROUNDS = 64;

/** Validated options of the INN defense (arXiv 2310.05947). Defaults follow the paper's main setting. */
export interface InnOptions {
  /** Background strength: the network sees `x1 + alpha * background` (paper main: 0.5; the authors' CIFAR code: -0.2). */
  alpha: number;
  /** White-noise strength: `x1 = (x + beta * n) / (1 + beta)`, n ~ U(0, 1) (paper main: 0.4). */
  beta: number;
  /** Salt-and-pepper intensity: each element replaced by 0 or 1 with probability gamma (paper main: 0.4). */
  gamma: number;
  /** Number of backgrounds K (the first K built-ins, or the first K images of `backgroundFolder`). */
  backgrounds: number;
  /** Folder of user background images (any size, resized); absent means the built-in backgrounds. */
  backgroundFolder?: string;
  /** Squashing of the transformed input, in training and at test time (paper: none). */
  squash: InputSquash;
  /** Training epochs E; one checkpoint is kept per epoch (paper: 4). */
  epochs: number;
  /** Training batch size (paper: 512). */
  batchSize: number;
  /** SGD learning rate. */
  learningRate: number;
  /** SGD momentum (paper: 0.9). */
  momentum: number;
  /** Weight decay (paper: 5e-4). */
  weightDecay: number;
  /** Start from the run's base model with a new head (`base`) or from a fresh model (`scratch`). */
  init: InnInit;
  /** 1-based epoch of the checkpoint the `inn1` / `inn2` surfaces attack (paper: 3). */
  attackCheckpoint: number;
  /** Apply white and salt-and-pepper noise at test time too (paper: true; the authors' code: false). */
  testNoise: boolean;
  /** Slot-to-class mapping (paper: sum of softmax over the K slots of each class). */
  mapping: SlotMapping;
  /** Soft vote (mean probabilities) or hard majority vote over checkpoints x draws. */
  vote: VoteRule;
  /** Random draws R of background and noise per prediction (paper: 1; the authors' code: 5). */
  draws: number;
  /** How many of the last checkpoints vote (paper: all E; the authors' code: the last 3). */
  votingCheckpoints: number;
}

/** The paper's main setting: alpha 0.5, beta 0.4, gamma 0.4, K 8. */
const MAIN = { alpha: 0.5, beta: 0.4, gamma: 0.4, backgrounds: 8 };

/**
 * Named option sets selected with `{ "preset": "<name>" }`: the paper's four hyperparameter settings (Figure 3)
 * and the authors' published decision rule.
 */
export const INN_PRESETS: Readonly<Record<string, Record<string, unknown>>> = Object.freeze({
  /** Paper main setting (0.5, 0.4, 0.4, 8). */
  main: { ...MAIN },
  /** Paper setting alpha 0.3, beta 0.3, gamma 0.4, K 4. */
  'a0.3-b0.3-g0.4-k4': { alpha: 0.3, beta: 0.3, gamma: 0.4, backgrounds: 4 },
  /** Paper setting alpha 0.2, beta 0.3, gamma 0.2, K 4. */
  'a0.2-b0.3-g0.2-k4': { alpha: 0.2, beta: 0.3, gamma: 0.2, backgrounds: 4 },
  /** Paper setting alpha 0.1, beta 0.1, gamma 0.1, K 8. */
  'a0.1-b0.1-g0.1-k8': { alpha: 0.1, beta: 0.1, gamma: 0.1, backgrounds: 8 },
  /** The main setting with the authors' code's decision rule: no test noise, argmax-mod, hard vote over 5 draws. */
  'authors-code': { ...MAIN, testNoise: false, mapping: 'argmax-mod', vote: 'hard', draws: 5 },
});

/** The paper's attacked checkpoint (epoch 3), used when `attackCheckpoint` is not given and epochs allow it. */
const PAPER_ATTACK_CHECKPOINT = 3;

/**
 * Validates raw INN options and fills defaults. Errors are exit-2 input errors naming the key,
 * for example `inn options.attackCheckpoint must be <= epochs (2), got 3`.
 */
export function parseInnOptions(raw: unknown, where = 'inn options'): InnOptions {
  const read = new OptionsReader(raw, where);
  const alpha = read.number('alpha', { default: MAIN.alpha, min: -1, max: 1 });
  const beta = read.number('beta', { default: MAIN.beta, min: 0 });
  const gamma = read.number('gamma', { default: MAIN.gamma, min: 0, max: 1 });
  const backgroundFolder = read.optionalString('backgroundFolder');
  const maxBackgrounds = backgroundFolder === undefined ? BUILT_IN_BACKGROUND_COUNT : MAX_FOLDER_BACKGROUNDS;
  const backgrounds = read.number('backgrounds', { default: MAIN.backgrounds, min: 1, max: maxBackgrounds, integer: true });
  const squash = read.oneOf<InputSquash>('squash', ['none', 'tanh'], 'none');
  const epochs = read.number('epochs', { default: 4, min: 1, max: 1000, integer: true });
  const batchSize = read.number('batchSize', { default: 128, min: 1, integer: true });
  const learningRate = read.number('learningRate', { default: 0.01, min: 0 });
  const momentum = read.number('momentum', { default: 0.9, min: 0, max: 1 });
  const weightDecay = read.number('weightDecay', { default: 5e-4, min: 0 });
  const init = read.oneOf<InnInit>('init', ['base', 'scratch'], 'base');
  const explicitCheckpoint = read.has('attackCheckpoint');
  const attackCheckpoint = read.number('attackCheckpoint', { default: Math.min(PAPER_ATTACK_CHECKPOINT, epochs), min: 1, integer: true });
  if (explicitCheckpoint && attackCheckpoint > epochs) {
    throw inputError('ADVBENCH_ERR_OPTIONS_RANGE', `${where}.attackCheckpoint must be <= epochs (${epochs}): checkpoints are kept per epoch, got ${attackCheckpoint}`, {
      details: { path: `${where}.attackCheckpoint` },
    });
  }
  const testNoise = read.boolean('testNoise', true);
  const mapping = read.oneOf<SlotMapping>('mapping', ['sum', 'argmax-mod'], 'sum');
  const vote = read.oneOf<VoteRule>('vote', ['soft', 'hard'], 'soft');
  const draws = read.number('draws', { default: 1, min: 1, max: 1000, integer: true });
  const votingCheckpoints = read.number('votingCheckpoints', { default: epochs, min: 1, max: epochs, integer: true });
  read.done();
  const options: InnOptions = {
    alpha, beta, gamma, backgrounds, squash, epochs, batchSize, learningRate, momentum, weightDecay, init,
    attackCheckpoint, testNoise, mapping, vote, draws, votingCheckpoints,
  };
  if (backgroundFolder !== undefined) options.backgroundFolder = backgroundFolder;
  return options;
}

/**
 * The options that change the trained checkpoints (part of the cache key). Test-time options (mapping, vote,
 * draws, testNoise, attackCheckpoint, votingCheckpoints) are left out, so changing them retrains nothing; the background folder is
 * keyed by the content of its images, not its path (see the defense).
 */
export function trainingOptions(options: InnOptions): Record<string, unknown> {
  const { alpha, beta, gamma, backgrounds, squash, epochs, batchSize, learningRate, momentum, weightDecay, init } = options;
  return { alpha, beta, gamma, backgrounds, squash, epochs, batchSize, learningRate, momentum, weightDecay, init };
}
