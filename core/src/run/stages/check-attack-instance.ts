import type { AttackInstance } from '../../plugin-api/index.js';
import { canonicalJson } from '../../cache/canonical-json.js';
import { parsePluginOptions } from '../../plugins/plugin-options.js';
import { adaptiveVariantOptions, messageOf, type RunScope } from './run-scope.js';
import { attackInstance, scopePluginContext } from './scope-plugin-context.js';

const created = new WeakMap<RunScope, Map<string, Promise<AttackInstance>>>();

/**
 * The instance of an attack entry with some options changed for a checks' extra cell (for example `{ steps: 40 }`):
 * the entry's options as configured with `overrides` on top, parsed by the plugin like any entry, created once per
 * scope and set of overrides. Without overrides it is the entry's own instance.
 */
export function checkAttackInstance(scope: RunScope, name: string, overrides: Record<string, unknown>): Promise<AttackInstance> {
  if (Object.keys(overrides).length === 0) return attackInstance(scope, name);
  const entry = scope.attacks.get(name);
  // An adaptive variant (EOT on `full`) is its configured entry with the run's EOT options on top.
  const configured = scope.spec.attacks.find((candidate) => candidate.name === (entry?.adaptiveOf ?? name));
  if (!entry || !configured) return Promise.reject(new Error(`unknown attack entry ${name}`));
  const raw = entry.adaptiveOf === undefined ? configured.options : adaptiveVariantOptions(scope.spec, configured);
  const key = `${name}|${canonicalJson(overrides)}`;
  let instances = created.get(scope);
  if (!instances) created.set(scope, (instances = new Map()));
  let instance = instances.get(key);
  if (!instance) {
    const where = `attacks[${scope.spec.attacks.indexOf(configured)}].options with the checks' overrides ${canonicalJson(overrides)}`;
    instance = Promise.resolve()
      .then(() => entry.loaded.plugin.create(scopePluginContext(scope, 'attack', `${name}+check`), parsePluginOptions(entry.loaded.plugin, { ...raw, ...overrides }, where)))
      .then((made) => {
        scope.ownedAttacks.push(made);
        return made;
      });
    instances.set(key, instance);
  }
  return instance.catch((error: unknown) => {
    throw new Error(`attack ${name} with ${canonicalJson(overrides)}: create failed: ${messageOf(error)}`, { cause: error });
  });
}
