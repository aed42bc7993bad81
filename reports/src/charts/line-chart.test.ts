import { describe, expect, it } from 'vitest';
import { niceTicks, logScale } from './chart-scale.js';
import { renderLineChart } from './line-chart.js';

describe('renderLineChart', () => {
  const svg = renderLineChart({
    id: 'test-chart',
    title: 'A <title> & more',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      { key: 'a', label: 'series a', color: '#000', points: [{ x: 0, y: 90, low: 80, high: 95 }, { x: 8, y: undefined }, { x: 16, y: 40, low: 30, high: 50, partial: true }] },
      { key: 'b', label: 'series b', color: '#f00', dash: '2 3', points: [{ x: 0, y: 50 }, { x: 16, y: 10 }] },
    ],
    references: [{ group: 'lit', label: 'Literature: x', x: 16, y: 40.4 }],
  });

  it('draws one group per series and breaks a line where a value is missing', () => {
    expect(svg.match(/<g class="series"/g)).toHaveLength(2);
    const pathA = svg.match(/data-series="a">.*?class="series-line" d="([^"]*)"/s)![1];
    expect(pathA.match(/M/g)).toHaveLength(2);
    expect(pathA).not.toContain('L');
    expect(svg.match(/data-series="b">.*?class="series-line" d="([^"]*)"/s)![1]).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    expect(svg).toContain('stroke-dasharray="2 3"');
  });

  it('draws whiskers, hollow partial points, reference diamonds, and escapes text', () => {
    expect(svg.match(/class="ci-whisker"/g)).toHaveLength(2);
    expect(svg).toContain('fill="white" stroke="#000"');
    expect(svg).toContain('— incomplete');
    expect(svg.match(/class="reference-point"/g)).toHaveLength(1);
    expect(svg).toContain('A &lt;title&gt; &amp; more');
    expect(svg).not.toContain('<title> &');
  });
});

describe('chart scales', () => {
  it('makes round ticks', () => {
    expect(niceTicks(0, 32, 8)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('maps logarithmically with power-of-ten ticks', () => {
    const scale = logScale(1, 1000, 0, 300);
    expect(scale(1)).toBeCloseTo(0);
    expect(scale(10)).toBeCloseTo(100);
    expect(scale(1000)).toBeCloseTo(300);
    expect(scale.ticks).toEqual([1, 10, 100, 1000]);
  });
});
