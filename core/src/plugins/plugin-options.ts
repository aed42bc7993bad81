import { applyPreset, isAdvbenchError, inputError, optionsTools, type Plugin } from '../plugin-api/index.js';

/**
 * Expands a `preset` key against the plugin's presets, then runs the plugin's own `parseOptions`.
 * Any error the plugin throws is reported as bad input naming `where` (for example `defenses[2].options`).
 */
export function parsePluginOptions(plugin: Plugin, raw: unknown, where: string): unknown {
  const expanded = applyPreset(raw, plugin.presets, where);
  try {
    return plugin.parseOptions(expanded, optionsTools);
  } catch (error) {
    if (isAdvbenchError(error)) {
      if (error.exitCode === 2 && !error.message.includes(where)) {
        throw inputError(error.code, `${where} (plugin "${plugin.id}"): ${error.message}`, { cause: error, details: { ...error.details, where } });
      }
      throw error;
    }
    throw inputError('ADVBENCH_ERR_OPTIONS_INVALID', `${where} (plugin "${plugin.id}"): ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { where } });
  }
}
