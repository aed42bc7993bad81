import { inputError, isAdvbenchError, type Plugin } from '../plugin-api/index.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { validatePlugin } from '../plugins/validate-plugin.js';
import { createTestKit, type TestKit } from '../testkit/create-test-kit.js';
import { checkAttack } from './attack-checks.js';
import { CheckRecorder } from './check-recorder.js';
import type { CheckPluginOptions, ConformanceReport } from './check-types.js';
import { checkDefense } from './defense-checks.js';
import { checkOptions } from './option-checks.js';

/** Codes of registry errors that mean the plugin is there but is not a valid plugin (a failed check, not bad input). */
const INVALID_PLUGIN_CODES = new Set(['ADVBENCH_ERR_PLUGIN_SHAPE', 'ADVBENCH_ERR_PLUGIN_API_VERSION', 'ADVBENCH_ERR_PLUGIN_NO_DEFAULT_EXPORT']);

/**
 * Checks any plugin object against the plugin contract, running it in a {@link createTestKit} kit (real trainer,
 * cache, shipped Fashion-MNIST slice): options refused when wrong, create cheap, prepare finishing, predict giving
 * probabilities for every batch size, surfaces differentiable and of their declared kind, randomized claims honest,
 * same seed same result, no tensor leaks, attacks keeping the input's shape and the ball, dispose freeing everything.
 * A check that fails says what was expected and what was seen; nothing is thrown for a failing plugin.
 * @param candidate - the plugin (a module's default export)
 * @param reference - how it was named (for the report)
 */
export async function checkPlugin(candidate: unknown, reference: string, options: CheckPluginOptions = {}): Promise<ConformanceReport> {
  const started = Date.now();
  const recorder = new CheckRecorder(options.onResult);
  let plugin: Plugin | undefined;
  await recorder.run('validates', 'the default export is a valid plugin object of this API version', () => {
    plugin = validatePlugin(candidate, reference);
  });
  if (plugin) await checkValidPlugin(recorder, plugin, options);
  return reportOf(recorder, reference, plugin, started);
}

/**
 * Loads a plugin reference (built-in id, package name or path, as in a config) and checks it. A reference that
 * cannot be loaded (no such path or package, an import error) throws an exit-2 input error; one that loads but is
 * not a valid plugin is a failed `validates` check.
 */
export async function checkPluginReference(reference: string, options: CheckPluginOptions & { cwd: string }): Promise<ConformanceReport> {
  const started = Date.now();
  const registry = await PluginRegistry.create({ cwd: options.cwd });
  let plugin: Plugin;
  try {
    plugin = (await registry.resolve(reference)).plugin;
  } catch (error) {
    if (isAdvbenchError(error) && INVALID_PLUGIN_CODES.has(error.code)) {
      const recorder = new CheckRecorder(options.onResult);
      recorder.record({ check: 'validates', status: 'fail', message: error.message, expected: 'a valid advbench plugin as the default export', seen: error.message });
      return reportOf(recorder, reference, undefined, started);
    }
    if (isAdvbenchError(error)) throw error;
    throw inputError('ADVBENCH_ERR_PLUGIN_LOAD', `plugin "${reference}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return checkPlugin(plugin, reference, { ...options, kit: { cwd: options.cwd, ...options.kit } });
}

async function checkValidPlugin(recorder: CheckRecorder, plugin: Plugin, options: CheckPluginOptions): Promise<void> {
  const parsed = await checkOptions(recorder, plugin, options.options);
  if (!parsed) {
    recorder.skip('behaviour', 'the options do not parse');
    return;
  }
  let kit: TestKit | undefined;
  try {
    kit = await createTestKit(options.kit);
    const limits = {
      batchSizes: options.batchSizes ?? [1, 3, 8],
      epsilon: options.epsilon ?? 8 / 255,
      timeoutSeconds: options.timeoutSeconds ?? 600,
      createBudgetMs: options.createBudgetMs ?? 2000,
    };
    if (plugin.kind === 'defense') await checkDefense(recorder, kit, plugin, parsed.parsed, limits);
    else await checkAttack(recorder, kit, plugin, parsed.parsed, limits);
  } finally {
    await kit?.dispose();
  }
}

function reportOf(recorder: CheckRecorder, reference: string, plugin: Plugin | undefined, started: number): ConformanceReport {
  const failures = recorder.results.filter((result) => result.status === 'fail');
  return {
    ...(plugin ? { plugin: { id: plugin.id, kind: plugin.kind, version: plugin.version } } : {}),
    reference,
    passed: failures.length === 0,
    results: recorder.results,
    failures,
    seconds: (Date.now() - started) / 1000,
  };
}
