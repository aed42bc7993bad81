import { scopePluginContext } from './scope-plugin-context.js';
import { messageOf, type DefenseEntry, type RunScope } from './run-scope.js';

/** A defense whose `create` threw. */
export interface DefenseCreateFailure {
  /** Entry name. */
  defense: string;
  /** What was thrown. */
  error: unknown;
  /** `<name>: create failed: <message>`, also stored as the entry's failure. */
  message: string;
}

/**
 * Creates the instance of every defense entry of the scope that has none yet (`create` is cheap: no training).
 * An entry whose `create` throws is marked failed (its cells will fail) and returned, for the caller to report.
 */
export async function createDefenses(scope: RunScope, names?: string[]): Promise<DefenseCreateFailure[]> {
  const failures: DefenseCreateFailure[] = [];
  for (const entry of scope.defenses) {
    if (entry.instance || entry.failure || (names && !names.includes(entry.name))) continue;
    try {
      entry.instance = await entry.loaded.plugin.create(scopePluginContext(scope, 'defense', entry.name), entry.options);
    } catch (error) {
      entry.failure = `${entry.name}: create failed: ${messageOf(error)}`;
      failures.push({ defense: entry.name, error, message: entry.failure });
    }
  }
  return failures;
}

/** The surfaces a defense entry is attacked on: the config's, else the instance's defaults, else `full`. */
export function surfacesOf(scope: RunScope, entry: DefenseEntry): string[] {
  const configured = scope.spec.defenses[entry.index].surfaces;
  if (configured && configured.length > 0) return configured;
  if (entry.instance) {
    try {
      return entry.instance.defaultSurfaces();
    } catch (error) {
      entry.failure ??= `${entry.name}: defaultSurfaces failed: ${messageOf(error)}`;
    }
  }
  return ['full'];
}
