import type { ImageShape, LayersModel } from '../../plugin-api/index.js';

/** What every zoo builder needs. */
export interface ModelBuildOptions {
  /** Input [height, width, channels]; images are always in [0, 1]. */
  inputShape: ImageShape;
  /** Outputs of the linear head (the model outputs logits). */
  classes: number;
  /** Every initializer gets a seed derived from this, so one seed gives the same weights on every backend. */
  seed: number;
  /**
   * `seeded` (default): the architecture's seeded initializers. `zeros`: every weight zero, a fast build for
   * counting parameters or for a model whose weights are loaded right after.
   */
  initialization?: 'seeded' | 'zeros';
}

/** One architecture of the zoo. */
export interface ZooEntry {
  /** Zoo name, for example `resnet20`. */
  name: string;
  /** One line for `advbench models list`. */
  description: string;
  /** The input shape the architecture is meant for. */
  defaultInputShape: ImageShape;
  /** Classes of its usual head (1000 for the ImageNet ResNets, 10 for the small ones). */
  defaultClasses: number;
  /** Throws an exit-2 error when the architecture cannot take `inputShape` (cheap: builds nothing). */
  checkInput?(inputShape: ImageShape): void;
  /** Builds a fresh model (the caller owns and disposes it). Bad options throw exit-2 errors. */
  build(options: ModelBuildOptions): LayersModel;
}
