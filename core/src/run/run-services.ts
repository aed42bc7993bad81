import type { SelectedBackend } from '../compute/select-backend.js';
import type { BackendChoice, DatasetSpec, RunSpec } from '../config/run-spec.js';
import type { Dataset } from '../data/dataset-types.js';
import type { BaseModel, DatasetAccess, DatasetInfo, Logger, ModelAccess, PluginContext, TensorFlow, TrainingAccess } from '../plugin-api/index.js';
import type { TrainerDependencies } from '../training/trainer.js';

/** Input of {@link RunServices.createModelAccess}. */
export interface ModelAccessInput {
  /** The run's TensorFlow.js. */
  tf: TensorFlow;
  /** The run spec (architecture, pretrained weights). */
  spec: RunSpec;
  /** The run's dataset facts (input shape, classes). */
  info: DatasetInfo;
}

/**
 * The core services a run is built from: compute, data, models, training, and the `none` defense's base-model
 * trainer. {@link loadRunServices} gives the real ones; the seam exists so the runner depends on one interface
 * (registered in the run scope) instead of a dozen module imports.
 */
export interface RunServices {
  /** Selects the compute backend. */
  selectBackend(choice: BackendChoice, options: { logger: Logger }): Promise<SelectedBackend>;
  /** Opens the run's dataset. */
  openDataset(spec: DatasetSpec, options: { seed: number }): Promise<Dataset>;
  /** The plugins' view of the data. */
  createDatasetAccess(tf: TensorFlow, dataset: Dataset): DatasetAccess;
  /** The plugins' model access for the run's architecture. */
  createModelAccess(input: ModelAccessInput): ModelAccess;
  /** The shared training loop. */
  createTrainer(dependencies: TrainerDependencies): TrainingAccess;
  /** Trains the undefended base model (the `none` defense's recipe). */
  trainBaseModel(context: PluginContext, options: unknown): Promise<BaseModel>;
}

/** Loads the real services (heavy modules, imported on demand). */
export async function loadRunServices(): Promise<RunServices> {
  const [compute, data, models, training] = await Promise.all([
    import('../compute/select-backend.js'),
    import('../data/index.js'),
    import('../models/index.js'),
    import('../training/trainer.js'),
  ]);
  return {
    selectBackend: (choice, options) => compute.selectBackend(choice, options),
    openDataset: (spec, options) => data.openDataset(spec, options),
    createDatasetAccess: (tf, dataset) => data.createDatasetAccess(tf, dataset),
    createModelAccess: ({ spec, info }) => models.createModelAccess({ architecture: spec.model.name, inputShape: info.inputShape }),
    createTrainer: (dependencies) => training.createTrainer(dependencies),
    // Imported only when a defense asks for the base model.
    trainBaseModel: async (context, options) => (await importDefenseNone()).trainBaseModel(context, options),
  };
}

interface DefenseNoneModule {
  trainBaseModel(context: PluginContext, options: unknown): Promise<BaseModel>;
}

/** The `none` defense's package, imported by name (core cannot depend on it at build time: it depends on core). */
async function importDefenseNone(): Promise<DefenseNoneModule> {
  const specifier = '@advbench/defense-none';
  return (await import(/* @vite-ignore */ specifier)) as DefenseNoneModule;
}
