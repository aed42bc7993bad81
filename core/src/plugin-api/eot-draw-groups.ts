/**
 * Default of {@link EotDrawGroupsOptions.stackLimit}: 2^24 input values (64 MiB of float32 input) per stacked pass.
 * Fashion-MNIST stacks 21,399 images in one pass under it, CIFAR-sized images 5,461, 224x224x3 images 111.
 */
export const DEFAULT_EOT_STACK_LIMIT = 2 ** 24;

/** Options of {@link eotDrawGroups}. */
export interface EotDrawGroupsOptions {
  /** Stack draws into shared passes at all (false: one pass per draw). */
  stacked: boolean;
  /** Examples in the batch that each draw evaluates. */
  examples: number;
  /** Input values per example (height x width x channels). */
  valuesPerExample: number;
  /**
   * Most input values (rows x height x width x channels) one stacked pass may hold; default
   * {@link DEFAULT_EOT_STACK_LIMIT}. A pass never holds fewer than one draw of the whole batch, so a batch that is
   * itself over the limit is evaluated one draw per pass, as without stacking.
   */
  stackLimit?: number;
}

/**
 * How an attack splits `draws` EOT draws of a randomized surface into forward/backward passes: the sizes of the
 * groups (draws per pass, summing to `draws`). Stacking the draws ([copies * batch, ...]) is faster where the
 * backend gains from larger batches, but its activations grow with the copies, so the groups are as large as
 * `stackLimit` allows and equal in size but for the last one. The expectation over the draws does not depend on
 * the split; with a surface that draws its randomness per row in row order, neither do the draws themselves.
 */
export function eotDrawGroups(draws: number, options: EotDrawGroupsOptions): number[] {
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`eotDrawGroups: draws must be an integer >= 1, got ${draws}`);
  const limit = options.stackLimit ?? DEFAULT_EOT_STACK_LIMIT;
  if (!(limit > 0)) throw new RangeError(`eotDrawGroups: stackLimit must be > 0, got ${limit}`);
  const perDraw = Math.max(1, options.examples) * Math.max(1, options.valuesPerExample);
  const size = options.stacked ? Math.max(1, Math.min(draws, Math.floor(limit / perDraw))) : 1;
  const groups: number[] = [];
  for (let left = draws; left > 0; left -= size) groups.push(Math.min(size, left));
  return groups;
}
