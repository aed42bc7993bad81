/**
 * Every injection token of advbench, in one object. Root-scope tokens live for the process; run-scope tokens for
 * one run (its child container).
 */
export const Tokens = Object.freeze({
  /** Root: the process logger (`Logger`). */
  Logger: Symbol('advbench.Logger'),
  /** Root: the plugin registry (`PluginRegistry`). */
  PluginRegistry: Symbol('advbench.PluginRegistry'),
  /** Root: the event bus reporters listen to (`EventBus`). */
  EventBus: Symbol('advbench.EventBus'),
  /** Root: the selected compute backend (`SelectedBackend`), registered once chosen. */
  Backend: Symbol('advbench.Backend'),
  /** Run: the validated run spec (`RunSpec`). */
  RunSpec: Symbol('advbench.RunSpec'),
  /** Run: the run's root random source (`RandomSource`). */
  RunRandom: Symbol('advbench.RunRandom'),
  /** Run: the results store of the out folder (`ResultStore`). */
  ResultStore: Symbol('advbench.ResultStore'),
  /** Run: the trained-model cache (`ModelCache`). */
  ModelCache: Symbol('advbench.ModelCache'),
  /** Run: aborted on Ctrl-C (`AbortSignal`). */
  Signal: Symbol('advbench.Signal'),
  /** Run: the run's data, models and training services (`RunServices`). */
  RunServices: Symbol('advbench.RunServices'),
});

/** One of the tokens. */
export type Token = (typeof Tokens)[keyof typeof Tokens];
