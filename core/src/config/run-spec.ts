/** A plugin entry of the run, validated. */
export interface PluginEntrySpec {
  /** Plugin reference: a built-in id (`inn`), an npm package name, or a filesystem path. */
  use: string;
  /** Entry name, unique among defenses (or attacks): `name` from the config, else the plugin id, suffixed `-2`, `-3`... on repeats. */
  name: string;
  /** Raw options (a `preset` key is expanded by core before the plugin's `parseOptions`). */
  options: Record<string, unknown>;
  /** Defenses only: the surfaces to attack (default: the defense's own default surfaces). */
  surfaces?: string[];
  /**
   * Attacks only: options merged into this entry's adaptive variant (`<attack>+eot`) after `eotSamples` and the
   * run's `eotAttackOptions`, for settings only this attack has (`{ "steps": 10 }` for PGD, `{ "iterations": 10 }`
   * for APGD-based attacks).
   */
  adaptiveOptions?: Record<string, unknown>;
  /**
   * Attacks only: on a defense that gets adaptive cells (its decision rule is randomized), run this attack only as
   * its adaptive variant on `full`, not on the defense's other surfaces (AutoAttack's `rand` version attacks the whole
   * randomized decision rule). Ignored for an attack without an adaptive variant.
   */
  adaptiveOnly?: boolean;
}

/** The dataset part of a run. */
export interface DatasetSpec {
  /** `fashion-mnist`, `idx:<folder>`, `cifar10:<folder>`, `imagefolder:<folder>`, `imagenet:<folder>`. */
  reference: string;
  /** Training examples to use (stratified, seeded); undefined = all. */
  trainSamples?: number;
  /** Test examples to evaluate (stratified, seeded); undefined = all. */
  testSamples?: number;
  /** imagefolder and imagenet: resize the shorter side to this (default 256). */
  resize?: number;
  /** imagefolder and imagenet: centre-crop size (default 224). */
  crop?: number;
  /** imagefolder only: a class-index JSON file. */
  classIndex?: string;
}

/** The model part of a run. */
export interface ModelSpec {
  /** Zoo name, for example `resnet20`, `resnet152`. */
  name: string;
  /** A tfjs layers-format folder of pretrained weights (the base model used as is by `none`). */
  weights?: string;
}

/**
 * Every compute backend choice. `auto` picks tfjs-node-gpu > webgpu (on a hardware GPU adapter only) > tfjs-node >
 * wasm > cpu.
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A compute backend choice (see {@link BACKEND_CHOICES}). */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The one typed, validated description of a run. */
export interface RunSpec {
  /** Preset the config started from (`smoke`, `quick`, `paper`), if any. */
  preset?: string;
  /** Data. */
  dataset: DatasetSpec;
  /** Architecture. */
  model: ModelSpec;
  /** Defense entries, in order. */
  defenses: PluginEntrySpec[];
  /** Attack entries, in order. */
  attacks: PluginEntrySpec[];
  /** Linf budgets on the [0, 1] scale, ascending, 0 (clean) included when listed. */
  epsilons: number[];
  /** Master seed. */
  seed: number;
  /** `seeds` / `--seeds`: run the sweep once per seed into `<out>/seed-<n>/` with a top-level summary (absent: one run). */
  seeds?: number[];
  /** Output folder of the run. */
  out: string;
  /** Compute backend. */
  backend: BackendChoice;
  /** Batch size for evaluation and attacks. */
  evalBatchSize: number;
  /**
   * Draws a randomized defense's decision rule is judged over: per example, the fraction of draws classified
   * correctly (deterministic defenses are judged once). Draws are paired: an example meets the same judge
   * randomness in every cell of its defense.
   */
  judgeDraws: number;
  /**
   * EOT samples of the adaptive attack: for a defense whose classifier is randomized, every attack that accepts an
   * `eotSamples` option also runs on the defense's `full` surface with this many samples (entry `<attack>+eot`).
   * 0 plans no adaptive cells.
   */
  eotSamples: number;
  /** Options merged into every adaptive variant's options after `eotSamples` (for example `{ "steps": 10 }`). */
  eotAttackOptions: Record<string, unknown>;
  /** Trained-model cache folder. */
  cacheDirectory: string;
  /** Extra plugin references to load (so `plugins list` and the run can see them). */
  plugins: string[];
}
