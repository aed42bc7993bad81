import { loadRunSpec } from '../../config/load-run-spec.js';
import { PluginRegistry, type PluginListing } from '../../plugins/plugin-registry.js';

/** Loads every plugin visible to a config (built-ins, its entries, its `plugins`) plus extra references. */
export async function listPlugins(input: { configPath?: string; references: string[]; cwd: string }): Promise<PluginListing[]> {
  const references = [...input.references];
  if (input.configPath) {
    const spec = await loadRunSpec({ configPath: input.configPath, overrides: {}, cwd: input.cwd });
    references.push(...spec.plugins, ...spec.defenses.map((entry) => entry.use), ...spec.attacks.map((entry) => entry.use));
  }
  const registry = await PluginRegistry.create({ extraReferences: references, cwd: input.cwd });
  return registry.list();
}
