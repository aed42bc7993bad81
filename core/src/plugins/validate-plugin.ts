import { inputError, PLUGIN_API_VERSION, PLUGIN_TYPE_TAG, type Plugin } from '../plugin-api/index.js';

const SUPPORTED_MAJOR = Number(PLUGIN_API_VERSION.slice(1));

/**
 * Checks that a module's default export is an advbench plugin this core can run: the tag, a known `apiVersion`
 * major, a kind, an id, a version and the two functions. Errors are exit-2 coded errors naming the plugin.
 * @param candidate - the module's default export
 * @param reference - how the config referred to it (for messages)
 */
export function validatePlugin(candidate: unknown, reference: string): Plugin {
  const where = `plugin "${reference}"`;
  if (candidate === undefined) {
    throw inputError('ADVBENCH_ERR_PLUGIN_NO_DEFAULT_EXPORT', `${where} has no default export: export the plugin object (defineDefense / defineAttack) as default`, { details: { plugin: reference } });
  }
  if (typeof candidate !== 'object' || candidate === null) {
    throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${where}: the default export must be a plugin object, got ${typeof candidate}`, { details: { plugin: reference } });
  }
  const plugin = candidate as Record<string, unknown>;
  const id = typeof plugin.id === 'string' ? plugin.id : undefined;
  const named = id ? `plugin "${id}" (${reference})` : where;
  if (plugin.$$type !== PLUGIN_TYPE_TAG) {
    throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${named}: the default export is not an advbench plugin ($$type must be "${PLUGIN_TYPE_TAG}"; use defineDefense / defineAttack)`, { details: { plugin: reference } });
  }
  const apiVersion = plugin.apiVersion;
  const major = typeof apiVersion === 'string' && /^v\d+$/.test(apiVersion) ? Number(apiVersion.slice(1)) : Number.NaN;
  if (!Number.isInteger(major)) {
    throw inputError('ADVBENCH_ERR_PLUGIN_API_VERSION', `${named}: apiVersion must look like "v1", got ${JSON.stringify(apiVersion)}`, { details: { plugin: reference, apiVersion } });
  }
  if (major !== SUPPORTED_MAJOR) {
    throw inputError('ADVBENCH_ERR_PLUGIN_API_VERSION', `${named} declares apiVersion "${String(apiVersion)}", but this advbench supports "${PLUGIN_API_VERSION}": update the plugin or advbench`, { details: { plugin: reference, apiVersion, supported: PLUGIN_API_VERSION } });
  }
  if (plugin.kind !== 'defense' && plugin.kind !== 'attack') {
    throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${named}: kind must be "defense" or "attack", got ${JSON.stringify(plugin.kind)}`, { details: { plugin: reference } });
  }
  if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${where}: id must be a lowercase kebab-case string, got ${JSON.stringify(plugin.id)}`, { details: { plugin: reference } });
  }
  for (const key of ['version', 'description'] as const) {
    if (typeof plugin[key] !== 'string') {
      throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${named}: ${key} must be a string, got ${JSON.stringify(plugin[key])}`, { details: { plugin: reference } });
    }
  }
  for (const key of ['parseOptions', 'create'] as const) {
    if (typeof plugin[key] !== 'function') {
      throw inputError('ADVBENCH_ERR_PLUGIN_SHAPE', `${named}: ${key} must be a function`, { details: { plugin: reference } });
    }
  }
  return candidate as Plugin;
}
