import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../core/src/config/load-run-spec.js';
import type { RunEvent } from '../core/src/events/event-types.js';
import { PluginRegistry } from '../core/src/plugins/plugin-registry.js';
import { executeRun } from '../core/src/run/execute-run.js';
import { silentLogger } from '../core/src/run/scoped-logger.js';
import { testSweepConfig, writeTestPlugins } from '../core/src/run/testing/sweep-fixture.js';
import type { RunResults } from '../core/src/store/result-types.js';
import { renderReport } from '../reports/src/html/render-report.js';

const root = mkdtempSync(join(tmpdir(), 'advbench-rerun-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** results.json without what a re-run may change: the update time. */
function withoutTimes(results: RunResults): RunResults {
  return { ...results, updatedAt: '' };
}

describe('a re-run of a finished run', () => {
  it('changes nothing: same results.json (timestamps aside), clean accuracy, model facts and report', async () => {
    const plugins = writeTestPlugins(join(root, 'plugins'));
    const config = testSweepConfig(plugins, {
      cacheDirectory: join(root, 'cache'),
      // `none` trains the base model, whose parameter count the results carry.
      defenses: [{ use: 'none', options: { epochs: 1, batchSize: 32, learningRate: 0.05 } }],
      epsilons: [0, 0.05],
    });
    const configPath = join(root, 'run.json');
    writeFileSync(configPath, JSON.stringify(config));
    const spec = await loadRunSpec({ configPath, overrides: { out: join(root, 'out') }, cwd: root });
    const run = async (events: RunEvent[] = []) => {
      await executeRun(spec, { registry: await PluginRegistry.create({ cwd: root }), reporters: [{ onEvent: (event) => events.push(event) }], resume: false, signal: new AbortController().signal, logger: silentLogger });
      return JSON.parse(readFileSync(join(spec.out, 'results.json'), 'utf8')) as RunResults;
    };
    const first = await run();
    expect(first.status).toBe('completed');
    expect(first.defenses[0].cleanAccuracy).toEqual(first.cells[0].result);
    expect(first.model.params).toBeGreaterThan(0);
    const events: RunEvent[] = [];
    const second = await run(events);
    expect(events.some((event) => event.type === 'cell-start' || event.type === 'train-start')).toBe(false);
    expect(withoutTimes(second)).toEqual(withoutTimes(first));
    expect(renderReport(withoutTimes(second))).toBe(renderReport(withoutTimes(first)));
  });
});
