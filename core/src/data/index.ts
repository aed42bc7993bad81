/**
 * Datasets: the shipped Fashion-MNIST, IDX, CIFAR-10 binary and ImageNet-style folder loaders, stratified
 * subsets, and the plugins' tensor view. Images are always float32 in [0, 1], NHWC.
 * @packageDocumentation
 */
export * from './dataset-types.js';
export * from './dataset-errors.js';
export * from './open-dataset.js';
export * from './dataset-access.js';
export * from './describe-dataset.js';
export { shippedFashionMnistFolder } from './data-location.js';
export { FASHION_MNIST, CIFAR10_CLASS_NAMES, type KnownDataset } from './known-checksums.js';
export { stratifiedSubset } from './stratified-subset.js';
