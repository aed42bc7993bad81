import type { PluginContext } from '../plugin-api/index.js';

/** Calls to the expensive parts of a context, counted (training, cache entries, the base model). */
export interface HeavyCalls {
  /** `training.train` calls. */
  train: number;
  /** `cache.getOrCreate` calls. */
  cache: number;
  /** `base()` calls. */
  base: number;
}

/** Wraps a context so that calls to its expensive parts are counted (the calls themselves go through). */
export function instrumentedContext(context: PluginContext): { context: PluginContext; calls: HeavyCalls } {
  const calls: HeavyCalls = { train: 0, cache: 0, base: 0 };
  const wrapped: PluginContext = {
    ...context,
    tf: context.tf,
    training: { train: (options) => ((calls.train += 1), context.training.train(options)) },
    cache: { getOrCreate: (parts, create) => ((calls.cache += 1), context.cache.getOrCreate(parts, create)) },
    base: () => ((calls.base += 1), context.base()),
    readOptions: context.readOptions,
  };
  return { context: wrapped, calls };
}

/** The heavy calls made between two snapshots, as text (empty when none). */
export function heavyCallsSince(before: HeavyCalls, after: HeavyCalls): string {
  const made: string[] = [];
  if (after.train > before.train) made.push(`context.training.train (${after.train - before.train}x)`);
  if (after.cache > before.cache) made.push(`context.cache.getOrCreate (${after.cache - before.cache}x)`);
  if (after.base > before.base) made.push(`context.base() (${after.base - before.base}x)`);
  return made.join(', ');
}
