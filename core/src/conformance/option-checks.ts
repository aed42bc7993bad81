import { applyPreset, optionsTools, type Plugin } from '../plugin-api/index.js';
import { parsePluginOptions } from '../plugins/plugin-options.js';
import { CheckFailure, type CheckRecorder } from './check-recorder.js';
import { describeValue } from './tensor-facts.js';

/** Whole-options values no plugin may accept. */
const GARBAGE_OPTIONS: unknown[] = [42, 'garbage', [1, 2, 3], true];
/** A key no plugin declares. */
const UNKNOWN_KEY = 'advbenchCheckUnknownKey';

/** Runs `parseOptions` (advbench's way: preset expanded, options tools passed); returns whether it threw. */
function refuses(plugin: Plugin, raw: unknown): boolean {
  try {
    plugin.parseOptions(applyPreset(raw, plugin.presets, 'options'), optionsTools);
    return false;
  } catch {
    return true;
  }
}

/** A value of the wrong type for an option whose parsed value is `value` (undefined when there is none to try). */
function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return 'advbench-check-garbage';
  if (typeof value === 'string') return { advbenchCheck: 'garbage' };
  return undefined;
}

/**
 * The options checks: defaults (or the given options) parse; non-objects, an unknown key and a wrong-typed value of
 * every scalar option are refused. Returns the parsed options, or undefined when they do not parse (later checks
 * cannot run then).
 */
export async function checkOptions(recorder: CheckRecorder, plugin: Plugin, raw: unknown): Promise<{ parsed: unknown } | undefined> {
  let parsed: unknown;
  const givenText = raw === undefined ? 'its defaults ({})' : JSON.stringify(raw);
  const parses = await recorder.run('options-parse', `parseOptions accepts ${givenText}`, () => {
    try {
      parsed = parsePluginOptions(plugin, raw ?? {}, 'options');
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new CheckFailure(`parseOptions refused ${givenText}: ${text} (give working options with --options '<json>' if the plugin has required ones)`, `parseOptions(${givenText}) to return options`, `threw: ${text}`);
    }
    try {
      JSON.stringify(parsed);
    } catch (error) {
      throw new CheckFailure('parseOptions returned options that are not JSON-serialisable (they are recorded with every result)', 'JSON-serialisable options', `JSON.stringify threw: ${(error as Error).message}`);
    }
  });
  if (!parses) return undefined;

  await recorder.run('options-refuse-garbage', 'parseOptions refuses a number, a string, an array and a boolean as options', () => {
    const accepted = GARBAGE_OPTIONS.filter((garbage) => !refuses(plugin, garbage));
    if (accepted.length > 0) {
      const list = accepted.map((value) => JSON.stringify(value)).join(', ');
      throw new CheckFailure(`parseOptions accepted ${list} as options: it must throw on anything but an options object`, 'parseOptions to throw on 42, "garbage", [1, 2, 3] and true', `accepted ${list}`);
    }
  });

  const base = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  await recorder.run('options-refuse-unknown-key', `parseOptions refuses an unknown key (${UNKNOWN_KEY})`, () => {
    if (!refuses(plugin, { ...base, [UNKNOWN_KEY]: 1 })) {
      throw new CheckFailure(`parseOptions accepted the unknown key "${UNKNOWN_KEY}": misspelt options must be refused, naming the key (OptionsReader.done() does this)`, `parseOptions({ "${UNKNOWN_KEY}": 1 }) to throw`, 'it returned options');
    }
  });

  const scalarKeys = parsed !== null && typeof parsed === 'object' ? Object.entries(parsed as Record<string, unknown>).filter(([, value]) => wrongTypeFor(value) !== undefined) : [];
  if (scalarKeys.length === 0) {
    recorder.skip('options-refuse-wrong-type', 'the parsed options have no number, string or boolean values');
  } else {
    await recorder.run('options-refuse-wrong-type', `parseOptions refuses a wrong-typed value for each of ${scalarKeys.map(([key]) => key).join(', ')}`, () => {
      const accepted = scalarKeys.filter(([key, value]) => !refuses(plugin, { ...base, [key]: wrongTypeFor(value) }));
      if (accepted.length > 0) {
        const list = accepted.map(([key, value]) => `${key}: ${describeValue(wrongTypeFor(value))} (default ${describeValue(value)})`).join('; ');
        throw new CheckFailure(`parseOptions accepted wrong-typed values: ${list}`, 'parseOptions to throw, naming the key, when a value has the wrong type', `accepted ${list}`);
      }
    });
  }
  return { parsed };
}
