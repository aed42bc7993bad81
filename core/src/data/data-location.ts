import { fileURLToPath } from 'node:url';

/**
 * The folder of the Fashion-MNIST files shipped with `@advbench/core` (`core/data/fashion-mnist`).
 * Found from this module's own URL: `core/src/data/*.ts` (vitest, tsx) and `core/dist/data/*.js` (built) are at
 * the same depth, so `../../data/fashion-mnist` works from both.
 */
export function shippedFashionMnistFolder(): string {
  return fileURLToPath(new URL('../../data/fashion-mnist/', import.meta.url)).replace(/[\\/]$/, '');
}

/** The shipped list of the 1000 ImageNet-1k classes (`core/data/imagenet/imagenet-1k-classes.tsv`: wnid, tab, name). */
export function shippedImagenetClassesFile(): string {
  return fileURLToPath(new URL('../../data/imagenet/imagenet-1k-classes.tsv', import.meta.url));
}
