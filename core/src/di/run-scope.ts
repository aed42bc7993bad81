import type { DependencyContainer } from 'tsyringe';
import { Tokens } from './tokens.js';

/** Values registered into a run's child container. */
export interface RunScopeValues {
  /** Registrations by token (the run spec, random source, store, cache, signal, services...). */
  values: ReadonlyArray<readonly [symbol, unknown]>;
  /** Called in `finally`, in reverse order, after the body: releases what the run created (store, models...). */
  disposers?: ReadonlyArray<() => void | Promise<void>>;
}

/**
 * Runs `body` in a child container of `root` holding one run's values, and disposes the scope in `finally`
 * whether the body resolved or threw: first the given disposers (in reverse order; a failing one is reported to
 * `onDisposeError` and the rest still run), then the container itself.
 */
export async function runScope<T>(
  root: DependencyContainer,
  scope: RunScopeValues,
  body: (container: DependencyContainer) => Promise<T>,
  onDisposeError: (error: unknown) => void = (error) => process.stderr.write(`advbench: releasing the run failed: ${String(error)}\n`),
): Promise<T> {
  const child = root.createChildContainer();
  for (const [token, value] of scope.values) child.register(token, { useValue: value });
  try {
    return await body(child);
  } finally {
    for (const dispose of [...(scope.disposers ?? [])].reverse()) {
      try {
        await dispose();
      } catch (error) {
        onDisposeError(error);
      }
    }
    await child.dispose();
  }
}

export { Tokens };
