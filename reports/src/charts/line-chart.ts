import { formatTick, linearScale, niceTicks } from './chart-scale.js';
import { escapeMarkup } from './escape-markup.js';

/** One point of a line series; y values are percentages. */
export interface LinePoint {
  /** x value (epsilon in /255). */
  x: number;
  /** y value in percent; undefined = no data (the line breaks). */
  y?: number;
  /** Lower end of the confidence interval, percent. */
  low?: number;
  /** Upper end of the confidence interval, percent. */
  high?: number;
  /** True when the value is incomplete (drawn hollow). */
  partial?: boolean;
}

/** One line of a chart. */
export interface LineSeries {
  /** Stable key, written to `data-series`. */
  key: string;
  /** Legend text. */
  label: string;
  /** Stroke colour. */
  color: string;
  /** SVG dash pattern; undefined = solid. */
  dash?: string;
  /** Points in ascending x. */
  points: LinePoint[];
}

/** A reference point drawn as a labelled marker, not a line (literature numbers). */
export interface ReferenceMarker {
  /** Series the marker belongs to (points with the same group are joined by a thin line). */
  group: string;
  /** Legend text of the group. */
  label: string;
  /** x value. */
  x: number;
  /** y value in percent. */
  y: number;
}

/** Options of {@link renderLineChart}. */
export interface LineChartOptions {
  /** Chart id (used for the element id and clip path). */
  id: string;
  /** Title above the plot. */
  title: string;
  /** x axis label. */
  xLabel: string;
  /** y axis label. */
  yLabel: string;
  /** The lines. */
  series: LineSeries[];
  /** Literature or other reference markers. */
  references?: ReferenceMarker[];
  /** x tick values (default: round numbers). */
  xTicks?: number[];
  /** Plot width in pixels (default 720). */
  width?: number;
}

const PLOT_HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 34, bottom: 44 };
const LEGEND_ROW = 18;

/** A polyline path through the points with a y value, broken where y is missing. */
function linePath(points: Array<{ x: number; y: number | undefined }>): string {
  let path = '';
  let drawing = false;
  for (const point of points) {
    if (point.y === undefined) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${point.x.toFixed(1)},${point.y.toFixed(1)}`;
    drawing = true;
  }
  return path;
}

/**
 * An inline SVG line chart with 95% CI bands and whiskers, a legend, and optional reference markers (drawn as
 * diamonds, labelled as literature in the legend). y is a percentage in [0, 100]. Each series is one
 * `<g class="series" data-series="...">`, each reference group one `<g class="reference">`.
 */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const references = options.references ?? [];
  const referenceGroups = [...new Map(references.map((marker) => [marker.group, marker.label])).entries()];
  const legendEntries = options.series.length + referenceGroups.length;
  const legendColumns = Math.max(1, Math.floor((width - MARGIN.left) / 320));
  const legendHeight = Math.ceil(legendEntries / legendColumns) * LEGEND_ROW + 8;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + legendHeight;
  const allX = [...options.series.flatMap((series) => series.points.map((point) => point.x)), ...references.map((marker) => marker.x)];
  const xHigh = Math.max(1, ...allX);
  const x = linearScale(0, xHigh, MARGIN.left, width - MARGIN.right, options.xTicks ?? niceTicks(0, xHigh, 8));
  const y = linearScale(0, 100, MARGIN.top + PLOT_HEIGHT, MARGIN.top, [0, 20, 40, 60, 80, 100]);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart" id="${escapeMarkup(options.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(options.title)}">`,
  );
  parts.push(`<text class="chart-title" x="${MARGIN.left}" y="20" font-size="14" font-weight="600">${escapeMarkup(options.title)}</text>`);
  for (const tick of y.ticks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick}</text>`);
  }
  for (const tick of x.ticks) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT + 4}" stroke="#666"/>`);
    parts.push(`<text x="${x(tick)}" y="${MARGIN.top + PLOT_HEIGHT + 16}" font-size="11" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT}" stroke="#666"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}" stroke="#666"/>`);
  parts.push(`<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${MARGIN.top + PLOT_HEIGHT + 34}" font-size="12" text-anchor="middle">${escapeMarkup(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeMarkup(options.yLabel)}</text>`);
  for (const series of options.series) {
    const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
    const mapped = series.points.map((point) => ({ x: x(point.x), y: point.y === undefined ? undefined : y(point.y), point }));
    const banded = series.points.filter((point) => point.y !== undefined && point.low !== undefined && point.high !== undefined);
    const group: string[] = [`<g class="series" data-series="${escapeMarkup(series.key)}"><title>${escapeMarkup(series.label)}</title>`];
    if (banded.length > 1) {
      const upper = banded.map((point) => `${x(point.x).toFixed(1)},${y(point.high!).toFixed(1)}`);
      const lower = banded.map((point) => `${x(point.x).toFixed(1)},${y(point.low!).toFixed(1)}`).reverse();
      group.push(`<polygon class="ci-band" points="${[...upper, ...lower].join(' ')}" fill="${series.color}" fill-opacity="0.10" stroke="none"/>`);
    }
    for (const point of banded) {
      const px = x(point.x).toFixed(1);
      group.push(`<line class="ci-whisker" x1="${px}" x2="${px}" y1="${y(point.low!).toFixed(1)}" y2="${y(point.high!).toFixed(1)}" stroke="${series.color}" stroke-opacity="0.6"/>`);
    }
    group.push(`<path class="series-line" d="${linePath(mapped)}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    for (const entry of mapped) {
      if (entry.y === undefined) continue;
      const fill = entry.point.partial ? 'white' : series.color;
      const tooltip = `${series.label}: ${entry.point.y!.toFixed(1)}% at ${formatTick(entry.point.x)}/255` + (entry.point.low !== undefined ? ` (95% CI ${entry.point.low.toFixed(1)}–${entry.point.high!.toFixed(1)})` : '') + (entry.point.partial ? ' — incomplete' : '');
      group.push(`<circle class="series-point" cx="${entry.x.toFixed(1)}" cy="${entry.y.toFixed(1)}" r="3.5" fill="${fill}" stroke="${series.color}"><title>${escapeMarkup(tooltip)}</title></circle>`);
    }
    group.push('</g>');
    parts.push(group.join(''));
  }
  for (const [group, label] of referenceGroups) {
    const markers = references.filter((marker) => marker.group === group).sort((left, right) => left.x - right.x);
    const inner = markers
      .map((marker) => {
        const cx = x(marker.x);
        const cy = y(marker.y);
        return `<path class="reference-point" d="M${cx},${cy - 6}L${cx + 6},${cy}L${cx},${cy + 6}L${cx - 6},${cy}Z" fill="#fff" stroke="#444" stroke-width="1.5"><title>${escapeMarkup(`${label}: ${marker.y}% at ${formatTick(marker.x)}/255`)}</title></path>`;
      })
      .join('');
    const joined = linePath(markers.map((marker) => ({ x: x(marker.x), y: y(marker.y) })));
    parts.push(`<g class="reference" data-reference="${escapeMarkup(group)}"><path d="${joined}" fill="none" stroke="#444" stroke-width="1" stroke-dasharray="1 3"/>${inner}</g>`);
  }
  const legendTop = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + 4;
  const legendItems = [
    ...options.series.map((series) => ({ label: series.label, swatch: `<line x1="0" x2="22" y1="0" y2="0" stroke="${series.color}" stroke-width="2"${series.dash ? ` stroke-dasharray="${series.dash}"` : ''}/>` })),
    ...referenceGroups.map(([, label]) => ({ label, swatch: '<path d="M11,-5L16,0L11,5L6,0Z" fill="#fff" stroke="#444" stroke-width="1.5"/>' })),
  ];
  const columnWidth = (width - MARGIN.left) / legendColumns;
  legendItems.forEach((item, index) => {
    const left = MARGIN.left + (index % legendColumns) * columnWidth;
    const top = legendTop + Math.floor(index / legendColumns) * LEGEND_ROW + 6;
    parts.push(`<g class="legend-item" transform="translate(${left.toFixed(1)} ${top})">${item.swatch}<text x="28" y="4" font-size="11">${escapeMarkup(item.label)}</text></g>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
