import { describe, expect, it } from 'vitest';
import { sampleRunResults, SAMPLE_FAILED_CELL_ERROR, SAMPLE_FAILED_CELL_ID } from '../fixtures/sample-run-results.js';
import { summarizeRun } from '../analysis/summarize-run.js';
import { renderReport } from './render-report.js';

/** Every match of a regular expression's first group. */
function all(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((match) => match[1]);
}

/** The part of the page inside the element with this id. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  const end = html.indexOf('</svg>', start);
  return html.slice(start, end);
}

describe('renderReport', () => {
  const results = sampleRunResults();
  const html = renderReport(results);

  it('lists every defense in leaderboard order with the ranking rule stated', () => {
    const order = summarizeRun(results).defenses.map((entry) => entry.defense.name);
    expect(all(html, /<tr class="leaderboard-row" data-defense="([^"]+)"/g)).toEqual(order);
    expect(new Set(order)).toEqual(new Set(['none', 'adv-training', 'inn-a', 'inn-b']));
    expect(order[order.length - 1]).toBe('none');
    expect(html).toContain('id="ranking-rule">Ranked by best-known robust accuracy at ε &#x3D; 8/255 (the largest ε ≤ 8/255');
  });

  it('shows confidence intervals next to accuracies', () => {
    const none = results.defenses.find((defense) => defense.name === 'none')!;
    const clean = none.cleanAccuracy!;
    expect(html).toContain(`${(clean.accuracy * 100).toFixed(1)}<span class="ci">${(clean.low * 100).toFixed(1)}–${(clean.high * 100).toFixed(1)}</span>`);
  });

  it('shows the failed cell with its error, and marks the incomplete worst case', () => {
    expect(html).toContain(`data-cell="${SAMPLE_FAILED_CELL_ID}"`);
    expect(html).toContain('PGD step 3 produced NaN gradients');
    expect(SAMPLE_FAILED_CELL_ERROR).toContain('NaN');
    const innRow = html.slice(html.indexOf('data-defense="inn-b"'), html.indexOf('</tr>', html.indexOf('data-defense="inn-b"')));
    expect(innRow).toMatch(/\d\*<span class="ci">/);
    expect(innRow).toContain('1 cell(s) failed');
  });

  it('draws one series per defense x surface and one worst-case series per defense', () => {
    const accuracy = section(html, 'chart-accuracy');
    expect(all(accuracy, /<g class="series" data-series="([^"]+)"/g)).toHaveLength(1 + 1 + 2 + 2);
    expect(all(accuracy, /data-series="(inn-a\|pgd\|inn[12])"/g)).toEqual(['inn-a|pgd|inn1', 'inn-a|pgd|inn2']);
    const worst = section(html, 'chart-worst-case');
    expect(all(worst, /<g class="series" data-series="([^"]+)"/g).sort()).toEqual(['adv-training', 'inn-a', 'inn-b', 'none']);
    expect(worst).toContain('class="ci-band"');
    expect(worst).toContain('ε (L∞ budget, /255)');
    expect(all(section(html, 'chart-inn-comparison'), /<g class="series" data-series="([^"]+)"/g)).toHaveLength(4);
    expect(section(html, 'chart-inn-comparison')).toContain('backgrounds=8');
    expect(all(section(html, 'chart-cost'), /<g class="scatter-point" data-point="([^"]+)"/g)).toHaveLength(4);
  });

  it('draws literature points only on ImageNet runs, labelled with their source', () => {
    expect(html).not.toContain('class="reference"');
    expect(html).not.toContain('Balaji');
    const imagenet = renderReport(sampleRunResults({ imagenet: true }));
    expect(all(section(imagenet, 'chart-worst-case'), /<g class="reference" data-reference="([^"]+)"/g)).toEqual(['adversarial training', 'IAAT']);
    expect(imagenet).toContain('Balaji et al. 2019');
    expect(imagenet).toContain('57.26');
    expect(imagenet).toContain('27.85');
  });

  it('holds no reference to any external resource', () => {
    expect(html).not.toMatch(/(src|href)\s*=\s*"(?!data:|#)/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
  });

  it('states the run metadata', () => {
    for (const text of ['fixture-run', '1234', '@tensorflow/tfjs-backend-wasm 4.22.0', results.configHash, 'fashion-mnist', '600 training, 40 test']) {
      expect(html).toContain(text);
    }
  });

  it('names the WebGPU adapter of a webgpu run', () => {
    const webgpu = sampleRunResults();
    webgpu.backend = {
      name: 'webgpu',
      package: '@tensorflow/tfjs-backend-webgpu',
      version: '4.22.0',
      threads: 1,
      gpu: true,
      webgpu: { package: 'webgpu@0.6.2', vendor: 'nvidia', architecture: 'hopper', device: 'H200', description: 'NVIDIA H200', software: false, limits: { maxStorageBufferBindingSize: 4294967292 } },
    };
    const page = renderReport(webgpu);
    for (const text of ['webgpu@0.6.2', 'adapter NVIDIA H200', 'vendor nvidia', 'maxStorageBufferBindingSize 4294967292']) expect(page).toContain(text);
  });

  it('embeds inline defense images and drops anything that is not a data URL', () => {
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const withImages = sampleRunResults();
    withImages.defenses[2].description = { backgrounds: [pixel, 'https://example.com/x.png'] };
    const page = renderReport(withImages, { images: { 'inn-b': [{ label: 'remote', dataUrl: 'http://example.com/y.png' }] } });
    expect(all(page, /<img src="([^"]+)"/g)).toEqual([pixel]);
    expect(page).not.toContain('example.com');
    const pixels = renderReport(withImages, { images: { 'inn-a': [{ label: 'background 1', shape: [2, 2, 3], data: new Float32Array(12).fill(0.5) }] } });
    expect(all(pixels, /<img src="(data:image\/png;base64,[^"]+)"/g)).toHaveLength(2);
    expect(pixels).toContain('<figcaption>background 1</figcaption>');
  });

  it('escapes names from the config', () => {
    const hostile = sampleRunResults();
    hostile.defenses[0].error = '<script>alert(1)</script>';
    hostile.defenses[0].status = 'failed';
    const page = renderReport(hostile);
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('&lt;script&gt;');
  });
});
