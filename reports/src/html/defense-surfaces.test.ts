import { describe, expect, it } from 'vitest';
import { sampleRunResults } from '../fixtures/sample-run-results.js';
import { defenseSurfaceRows } from './defense-surfaces.js';
import { renderReport } from './render-report.js';

describe('decision rules and surfaces in the report', () => {
  const results = sampleRunResults();
  const inn = results.defenses.find((defense) => defense.name === 'inn-a')!;
  Object.assign(inn, {
    randomized: true,
    surfaceDetails: [
      { name: 'inn1', description: 'one checkpoint through backgrounds & noise', output: 'logits', randomized: true, exact: false },
      { name: 'full', description: 'the whole soft vote', output: 'log-probabilities', randomized: true, exact: false },
    ],
  });
  const none = results.defenses.find((defense) => defense.name === 'none')!;
  Object.assign(none, { randomized: false, surfaceDetails: [{ name: 'full', description: 'logits of the base model', output: 'logits', randomized: false, exact: true }] });

  it('gives each defense its rule and each surface its description, randomness and exactness', () => {
    const rows = Object.fromEntries(defenseSurfaceRows(results).map((row) => [row.defense, row]));
    expect(rows['inn-a'].rule).toBe('randomized');
    expect(rows['inn-a'].surfaces).toEqual([
      { name: 'inn1', description: 'one checkpoint through backgrounds & noise', output: 'logits', randomness: 'randomized', exactness: 'surrogate', attacked: true },
      { name: 'full', description: 'the whole soft vote', output: 'log-probabilities', randomness: 'randomized', exactness: 'surrogate', attacked: false },
    ]);
    expect(rows.none).toMatchObject({ rule: 'deterministic', surfaces: [{ name: 'full', exactness: 'exact (the decision rule)', attacked: true }] });
    expect(rows['inn-b']).toEqual({ defense: 'inn-b', rule: 'not recorded', surfaces: [] });
  });

  it('renders them in the surface table, escaped', () => {
    const html = renderReport(results);
    expect(html).toContain('<tr class="surface-row" data-defense="inn-a" data-surface="inn1"><td class="name">inn-a</td><td class="name">randomized</td><td class="name">inn1</td><td class="name">one checkpoint through backgrounds &amp; noise</td>');
    expect(html).toContain('<td class="name">exact (the decision rule)</td>');
    expect(html).toContain('surfaces not recorded (the defense was not prepared)');
  });
});
