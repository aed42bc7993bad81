import { createDefenses } from './create-defenses.js';
import { defenseEntry, messageOf, type RunScope } from './run-scope.js';

/**
 * Releases the named defense entry once its cells are done: disposes its instance (its models and tensors) and
 * forgets it, so the next defense does not run with this one's models still resident. When no prepared entry is
 * left, the run's base model is released too (it is reloaded, from the model cache or the pretrained folder, by the
 * next `context.base()`). A released entry can be prepared again: {@link prepareDefense} re-creates the instance and
 * its `prepare` loads the trained models back from the cache. Never throws for a plugin's `dispose`; logs it.
 */
export async function releaseDefense(scope: RunScope, name: string): Promise<void> {
  const entry = defenseEntry(scope, name);
  const instance = entry.instance;
  entry.instance = undefined;
  entry.prepared = false;
  entry.released = true;
  try {
    instance?.dispose();
  } catch (error) {
    scope.logger.warn(`${name}: dispose failed: ${messageOf(error)}`);
  }
  if (scope.defenses.some((candidate) => candidate.prepared)) return;
  const base = scope.basePromise;
  scope.basePromise = undefined;
  if (base) (await base.catch(() => undefined))?.model.dispose();
}

/** Re-creates the instance of a released entry (no-op when it has one or failed); true when it has an instance now. */
export async function recreateDefense(scope: RunScope, name: string): Promise<boolean> {
  const entry = defenseEntry(scope, name);
  if (!entry.instance && !entry.failure) await createDefenses(scope, [name]);
  entry.released = false;
  return entry.instance !== undefined;
}
