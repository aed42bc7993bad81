import { formatTick, linearScale, logScale, niceTicks } from './chart-scale.js';
import { escapeMarkup } from './escape-markup.js';

/** One labelled point of a scatter chart; y is a percentage. */
export interface ScatterPoint {
  /** Key written to `data-point`. */
  key: string;
  /** Label drawn next to the point. */
  label: string;
  /** x value (> 0 when the axis is logarithmic). */
  x: number;
  /** y value in percent. */
  y: number;
  /** Lower end of the 95% interval, percent. */
  low?: number;
  /** Upper end of the 95% interval, percent. */
  high?: number;
  /** Fill colour. */
  color: string;
}

/** Options of {@link renderScatterChart}. */
export interface ScatterChartOptions {
  /** Element id. */
  id: string;
  /** Title above the plot. */
  title: string;
  /** x axis label. */
  xLabel: string;
  /** y axis label. */
  yLabel: string;
  /** The points. */
  points: ScatterPoint[];
  /** Plot width in pixels (default 720). */
  width?: number;
}

const HEIGHT = 320;
const MARGIN = { left: 56, right: 90, top: 34, bottom: 44 };

/**
 * An inline SVG scatter chart (for example training cost vs robust accuracy). The x axis is logarithmic when the
 * values span more than a factor of 30. Each point is one `<g class="scatter-point" data-point="...">`.
 */
export function renderScatterChart(options: ScatterChartOptions): string {
  const width = options.width ?? 720;
  const xs = options.points.map((point) => point.x).filter((value) => Number.isFinite(value));
  const xLow = Math.min(...xs, Infinity);
  const xHigh = Math.max(...xs, -Infinity);
  const positive = xs.length > 0 && xLow > 0;
  const useLog = positive && xHigh / xLow > 30;
  const x = useLog
    ? logScale(xLow / 1.5, xHigh * 1.5, MARGIN.left, width - MARGIN.right)
    : linearScale(0, xs.length > 0 ? Math.max(xHigh * 1.1, 1e-9) : 1, MARGIN.left, width - MARGIN.right, niceTicks(0, xs.length > 0 ? Math.max(xHigh * 1.1, 1e-9) : 1, 6));
  const bottom = HEIGHT - MARGIN.bottom;
  const y = linearScale(0, 100, bottom, MARGIN.top, [0, 20, 40, 60, 80, 100]);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart scatter-chart" id="${escapeMarkup(options.id)}" viewBox="0 0 ${width} ${HEIGHT}" width="${width}" height="${HEIGHT}" role="img" aria-label="${escapeMarkup(options.title)}">`);
  parts.push(`<text class="chart-title" x="${MARGIN.left}" y="20" font-size="14" font-weight="600">${escapeMarkup(options.title)}</text>`);
  for (const tick of y.ticks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick}</text>`);
  }
  for (const tick of x.ticks) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${bottom}" y2="${bottom + 4}" stroke="#666"/>`);
    parts.push(`<text x="${x(tick)}" y="${bottom + 16}" font-size="11" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#666"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" stroke="#666"/>`);
  parts.push(`<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${bottom + 34}" font-size="12" text-anchor="middle">${escapeMarkup(options.xLabel + (useLog ? ' (log scale)' : ''))}</text>`);
  parts.push(`<text transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeMarkup(options.yLabel)}</text>`);
  for (const point of options.points) {
    const cx = x(point.x).toFixed(1);
    const cy = y(point.y).toFixed(1);
    const whisker = point.low !== undefined && point.high !== undefined ? `<line class="ci-whisker" x1="${cx}" x2="${cx}" y1="${y(point.low).toFixed(1)}" y2="${y(point.high).toFixed(1)}" stroke="${point.color}"/>` : '';
    const tooltip = `${point.label}: ${point.y.toFixed(1)}%, ${formatTick(point.x)}`;
    parts.push(
      `<g class="scatter-point" data-point="${escapeMarkup(point.key)}">${whisker}<circle cx="${cx}" cy="${cy}" r="5" fill="${point.color}"><title>${escapeMarkup(tooltip)}</title></circle><text x="${(Number(cx) + 8).toFixed(1)}" y="${(Number(cy) + 4).toFixed(1)}" font-size="11">${escapeMarkup(point.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
