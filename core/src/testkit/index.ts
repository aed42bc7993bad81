/**
 * `@advbench/core/testkit`: test plugins the way core tests its own. {@link createTestKit} gives a real plugin
 * context over a slice of the shipped Fashion-MNIST (real trainer, real model cache in a temporary folder, seeded
 * rng, the base model trained by the `none` recipe); {@link checkPlugin} runs the conformance checks of
 * `advbench check-plugin`. The building blocks (contexts, in-memory datasets, tiny models, the trainer, the cache)
 * are exported too, for tests that need hand-made data. Framework-agnostic: works under vitest, node:test, jest.
 * @packageDocumentation
 */
export { createTestKit, type TestKit, type TestKitOptions } from './create-test-kit.js';
export { checkPlugin, checkPluginReference, formatCheckReport, type CheckPluginOptions, type CheckResult, type CheckStatus, type ConformanceReport } from '../conformance/index.js';
export { createPluginContext, type PluginContextParts } from '../run/plugin-context.js';
export { createRandom } from '../random/seeded-random.js';
export { createTrainer, type TrainerDependencies } from '../training/trainer.js';
export { FileModelCache, type ModelCacheScope } from '../cache/model-cache.js';
export { validatePlugin } from '../plugins/validate-plugin.js';
export { parsePluginOptions } from '../plugins/plugin-options.js';
export { selectBackend, type SelectedBackend } from '../compute/select-backend.js';
export { openDataset } from '../data/open-dataset.js';
export { createDatasetAccess, tensorBatches } from '../data/dataset-access.js';
export { createModelAccess } from '../models/model-access.js';
export { buildModel } from '../models/zoo/model-zoo.js';
export { createInMemoryDataset, type InMemoryData } from '../training/testing/in-memory-dataset.js';
export { brightDarkImages } from '../training/testing/bright-dark-images.js';
export { robustFeatureImages } from '../training/testing/robust-feature-images.js';
export { createTinyModel } from '../training/testing/tiny-model.js';
export { createTinyModelAccess } from '../training/testing/tiny-model-access.js';
