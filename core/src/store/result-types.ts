import type { LeaderboardRanking } from '../analysis/adjacent-significance.js';
import type { BestKnownPoint, CheckResult, DefenseProbes } from '../analysis/analysis-types.js';
import type { TrainingBudget } from '../analysis/training-budget.js';
import type { DatasetInfo, TrainingCost } from '../plugin-api/index.js';

/** Version of the results.json schema. Bump on any incompatible change. */
export const RESULTS_SCHEMA_VERSION = 1;

/** A binomial proportion with its 95% Wilson score interval. */
export interface AccuracyEstimate {
  /** Examples judged. */
  samples: number;
  /**
   * Examples classified correctly: a count for a deterministic defense; for a randomized one judged over R draws,
   * the sum of the per-example fractions of draws classified correctly (so possibly fractional).
   */
  correct: number;
  /** correct / samples (0 when samples is 0). */
  accuracy: number;
  /** Lower bound of the interval. */
  low: number;
  /** Upper bound of the interval. */
  high: number;
  /** Confidence level, 0.95. */
  level: number;
  /** Interval method, `wilson` (for fractional outcomes: the Wilson interval of their mean, see `wilsonInterval`). */
  method: 'wilson';
}

/** The compute backend a run used. */
export interface BackendInfo {
  /** `tensorflow` (tfjs-node, CPU or CUDA), `webgpu`, `wasm` or `cpu`. */
  name: string;
  /** Package that provided it, for example `@tensorflow/tfjs-backend-wasm`. */
  package: string;
  /** Its version. */
  version: string;
  /** Threads it computes with. */
  threads: number;
  /** Whether wasm SIMD is on (wasm only). */
  simd?: boolean;
  /** Whether a GPU is used (tfjs-node-gpu's CUDA, or webgpu on a hardware adapter). */
  gpu: boolean;
  /** The WebGPU adapter and the Dawn package (webgpu only): name, vendor, whether it is software, every limit. */
  webgpu?: WebgpuBackendDescription;
}

/** What a result records about the WebGPU adapter it ran on. */
export interface WebgpuBackendDescription {
  /** The Dawn for Node package and version, for example `webgpu@0.6.2`. */
  package: string;
  /** Adapter vendor, for example `nvidia` or `mesa`. */
  vendor: string;
  /** Adapter architecture; `software` for CPU implementations. */
  architecture: string;
  /** Device name. */
  device: string;
  /** Driver description, for example `llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)`. */
  description: string;
  /** Whether the adapter computes on the CPU (lavapipe, SwiftShader...). */
  software: boolean;
  /** Every adapter limit, each requested at its maximum (so also the device's limits). */
  limits: Record<string, number>;
}

/** Status of a defense or a cell. */
export type ItemStatus = 'pending' | 'running' | 'done' | 'failed';

/** What a defense declares about one of its attack surfaces (recorded after prepare). */
export interface SurfaceSummary {
  /** Surface name. */
  name: string;
  /** The defense's one-line description of it. */
  description: string;
  /** `logits` or `log-probabilities`. */
  output: 'logits' | 'log-probabilities';
  /** True when its forward pass draws randomness. */
  randomized: boolean;
  /** True when its arg-max is the decision rule itself; false for surrogates (absent in the plugin means false). */
  exact: boolean;
}

/** One defense entry of a run. */
export interface DefenseResult {
  /** Entry name (unique in the run; the plugin id unless the config gives `name`). */
  name: string;
  /** Plugin id. */
  plugin: string;
  /** Plugin version. */
  pluginVersion: string;
  /** Resolved options. */
  options: Record<string, unknown>;
  /** What the defense describes of itself after prepare. */
  description: Record<string, unknown>;
  /** Training cost (undefined until prepared). */
  cost?: TrainingCost;
  /** Its own training, what it inherited from the run's base model (when it fine-tuned from it), and the total. */
  budget?: TrainingBudget;
  /** Clean accuracy with the real decision rule (the eps = 0 cell), when it ran. */
  cleanAccuracy?: AccuracyEstimate;
  /** Surfaces the defense offers. */
  surfaces: string[];
  /** Whether the decision rule (`classifier.predict`) is randomized (present once prepared). */
  randomized?: boolean;
  /** Each offered surface's description, output kind, randomness and exactness (present once prepared). */
  surfaceDetails?: SurfaceSummary[];
  /** How the defense is evaluated: known once it was prepared. */
  evaluation?: DefenseEvaluation;
  /** Status. */
  status: ItemStatus;
  /** Error message when failed. */
  error?: string;
  /** Best-known robust accuracy per epsilon: per example the worst case over every attack and surface (the ranking column). */
  bestKnown?: BestKnownPoint[];
  /** Verdicts of the automatic evaluation checks (core/src/analysis/checks), in their fixed order. */
  checks?: CheckResult[];
  /** Measurements the probe-based checks read, taken on the prepared defense. */
  probes?: DefenseProbes;
}

/** What makes a checks' extra cell differ from the sweep cells (see core/src/analysis/extra-cells.ts). */
export interface ExtraCellInfo {
  /** Id of the check that asked for the cell. */
  check: string;
  /** Attack options changed from the sweep's, for example `{ "steps": 40 }` (empty when only epsilon differs). */
  overrides: Record<string, unknown>;
  /** Id of the sweep cell it is compared with, when there is one. */
  baseline?: string;
}

/** How a defense is attacked and judged, recorded when it is prepared (the report states it). */
export interface DefenseEvaluation {
  /** True when the defense's decision rule (`classifier.randomized`) is randomized. */
  randomized: boolean;
  /** Draws each example is judged over (1 for a deterministic decision rule). */
  judgeDraws: number;
  /** Surfaces its cells attack, in plan order (the adaptive `full` included). */
  surfaces: string[];
  /** The adaptive attack of a randomized defense: EOT on `full`, when it offers `full` and the run plans it. */
  adaptive?: {
    /** The surface attacked, `full`. */
    surface: string;
    /** The adaptive attack entries (`<attack>+eot`). */
    attacks: string[];
    /** EOT samples per gradient. */
    eotSamples: number;
  };
}

/** What a cell (or a cached model) depends on of one plugin: identity, version, code and options. */
export interface PluginStamp {
  /** Plugin id. */
  id: string;
  /** Plugin version. */
  version: string;
  /** SHA-256 of the plugin's package files (or module file); `unknown` when its files could not be found. */
  contentHash: string;
  /** SHA-256 of its resolved options (canonical JSON). */
  optionsHash: string;
}

/** One cell = defense x attack x surface x epsilon. */
export interface CellResult {
  /** Stable id: `${defense}|${attack}|${surface}|${epsilon}`. */
  id: string;
  /** Defense entry name. */
  defense: string;
  /** Attack entry name (`clean` for eps = 0 cells, which run no attack). */
  attack: string;
  /** Attack plugin id (`none` for clean cells). */
  attackPlugin: string;
  /** Surface attacked. */
  surface: string;
  /** Linf budget on the [0, 1] scale. */
  epsilon: number;
  /** Status. */
  status: ItemStatus;
  /** Accuracy under attack with the defense's real decision rule (present when done). */
  result?: AccuracyEstimate;
  /** Seconds spent. */
  seconds: number;
  /** The attack's resolved settings. */
  attackSettings: Record<string, unknown>;
  /** Seed of the cell's random stream. */
  seed: number;
  /**
   * Per-example outcome in test-example order (present when done): 1 = still correct, 0 = not; for a randomized
   * defense the fraction of its paired judge draws that classify the example correctly. Aligned with `examples`
   * when set (a checks' extra cell).
   */
  outcomes?: number[];
  /** Test-example indices evaluated, ascending, when the cell runs on a subset (the checks' extra cells); absent = all. */
  examples?: number[];
  /** Present on the cells the evaluation checks add beyond the sweep. */
  extra?: ExtraCellInfo;
  /** Examples whose returned x_adv the harness had to project back into the ball or [0, 1]. */
  projectionCorrections: number;
  /**
   * The plugins the cell is computed with (defense, and attack unless clean): a resumed run recomputes a finished
   * cell whose stamps differ from the current plugins'.
   */
  plugins?: { defense: PluginStamp; attack?: PluginStamp };
  /** What the attack reported it cost over the cell (passes, queries, judge calls, seconds), when it reported. */
  attackCost?: CellAttackCost;
  /** A composite attack's members (AutoAttack), in the order they ran, with their accuracies. */
  members?: CellMember[];
  /** Error message when failed. */
  error?: string;
}

/** An attack's cost over one cell, summed over its batches (see the plugin API's `AttackCost`). */
export interface CellAttackCost {
  /** Example forward passes through the surface. */
  forwardPasses: number;
  /** Example backward passes (input gradients). */
  backwardPasses: number;
  /** Example queries of the decision rule (score-based black-box attacks). */
  queries: number;
  /** Calls of the harness's judge. */
  judgeCalls: number;
  /** Seconds inside the attack. */
  seconds: number;
}

/** One member of a composite attack in one cell. */
export interface CellMember {
  /** The member's label, for example `apgd-ce`. */
  name: string;
  /** Per test example: the judged outcome of the member's own candidate (1 = still correct), null where it did not run. */
  outcomes: Array<number | null>;
  /** The member's own accuracy over the examples it ran on. */
  result: AccuracyEstimate;
  /** The ensemble's accuracy after this member (AutoAttack's running robust accuracy; an example that no member so far ran on was already wrong). */
  resultAfter: AccuracyEstimate;
  /** The member's cost over the cell. */
  cost: CellAttackCost;
}

/** The whole run, as written to results.json. */
export interface RunResults {
  /** {@link RESULTS_SCHEMA_VERSION}. */
  schemaVersion: number;
  /** Run id. */
  runId: string;
  /** ISO time the run was first started. */
  createdAt: string;
  /** ISO time of the last update. */
  updatedAt: string;
  /** Overall status. */
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  /** Master seed. */
  seed: number;
  /** Compute backend. */
  backend: BackendInfo;
  /** Versions: advbench, tfjs, node, and each plugin. */
  versions: { advbench: string; tfjs: string; node: string; plugins: Record<string, string> };
  /** SHA-256 of the canonical resolved config. */
  configHash: string;
  /** The resolved config. */
  config: Record<string, unknown>;
  /** The dataset used. */
  dataset: DatasetInfo;
  /** The model architecture. */
  model: { name: string; params?: number; pretrained?: string };
  /** Defense entries in config order. */
  defenses: DefenseResult[];
  /** Every planned cell, done or not. */
  cells: CellResult[];
  /** The leaderboard order with the paired significance of adjacent rows (derived from the cells, written on every export). */
  leaderboard?: LeaderboardRanking;
}
