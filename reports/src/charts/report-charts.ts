import type { RunResults } from '@advbench/core';
import { epsilonIn255 } from '../analysis/epsilon-format.js';
import { literatureFor, type LiteraturePoint } from '../analysis/literature-points.js';
import type { AccuracyCurve, CurvePoint, RunSummary } from '../analysis/summarize-run.js';
import { seriesColor, surfaceDash } from './chart-style.js';
import { renderLineChart, type LinePoint, type ReferenceMarker } from './line-chart.js';
import { renderScatterChart } from './scatter-chart.js';

/** The charts of a report, as inline SVG strings; absent when there is nothing to draw. */
export interface ReportCharts {
  /** Accuracy vs eps for every defense x attack x surface (like the INN paper's Figure 2). */
  accuracy: string;
  /** Worst case over attacks and surfaces vs eps, one line per defense. */
  worstCase: string;
  /** INN hyperparameter comparison (Figure 3), when more than one INN entry ran. */
  innComparison?: string;
  /** Training cost vs headline robust accuracy. */
  cost?: string;
}

const X_LABEL = 'ε (L∞ budget, /255)';
const Y_LABEL = 'accuracy (%)';

/** Percent points of a curve. */
function linePoints(points: CurvePoint[]): LinePoint[] {
  return points.map((point) => ({
    x: epsilonIn255(point.epsilon),
    y: point.estimate === undefined ? undefined : point.estimate.accuracy * 100,
    low: point.estimate === undefined ? undefined : point.estimate.low * 100,
    high: point.estimate === undefined ? undefined : point.estimate.high * 100,
    partial: point.partial,
  }));
}

/** Literature markers, labelled as literature with their source. */
function referenceMarkers(points: LiteraturePoint[]): ReferenceMarker[] {
  return points.map((point) => ({ group: point.method, label: `Literature: ${point.method} (Balaji et al. 2019)`, x: point.epsilon255, y: point.accuracy }));
}

/** x ticks at the grid's budgets. */
function gridTicks(summary: RunSummary, literature: LiteraturePoint[]): number[] {
  return [...new Set([...summary.epsilons.map(epsilonIn255), ...literature.map((point) => point.epsilon255)])].sort((left, right) => left - right);
}

/** Options that differ between entries, as `key=value` text (so INN settings can be told apart). */
function differingOptions(entries: Array<{ options: Record<string, unknown> }>): (options: Record<string, unknown>) => string {
  const keys = [...new Set(entries.flatMap((entry) => Object.keys(entry.options)))].filter(
    (key) => new Set(entries.map((entry) => JSON.stringify(entry.options[key]))).size > 1,
  );
  return (options) => keys.map((key) => `${key}=${JSON.stringify(options[key])}`).join(', ');
}

/** The accuracy-vs-eps chart with one series per defense x attack x surface (the live viewer draws this one). */
export function renderAccuracyChart(results: RunResults, summary: RunSummary): string {
  const literature = literatureFor(results.dataset);
  const references = referenceMarkers(literature);
  const xTicks = gridTicks(summary, literature);
  const colorOf = new Map(results.defenses.map((defense, index) => [defense.name, seriesColor(index)]));
  const curves: AccuracyCurve[] = summary.defenses.flatMap((entry) => entry.curves);
  const attackCount = new Set(curves.map((curve) => curve.attack)).size;
  return renderLineChart({
    id: 'chart-accuracy',
    title: 'Accuracy vs ε, per defense and attacked surface',
    xLabel: X_LABEL,
    yLabel: Y_LABEL,
    xTicks,
    references,
    series: curves.map((curve) => ({
      key: curve.key,
      label: `${curve.defense} · ${curve.surface}${attackCount > 1 ? ` · ${curve.attack}` : ''}`,
      color: colorOf.get(curve.defense) ?? seriesColor(0),
      dash: surfaceDash(curve.surface),
      points: linePoints(curve.points),
    })),
  });
}

/** Renders every chart of the report for `results` (summarised in `summary`). */
export function renderReportCharts(results: RunResults, summary: RunSummary): ReportCharts {
  const literature = literatureFor(results.dataset);
  const references = referenceMarkers(literature);
  const xTicks = gridTicks(summary, literature);
  const colorOf = new Map(results.defenses.map((defense, index) => [defense.name, seriesColor(index)]));
  const accuracy = renderAccuracyChart(results, summary);
  const worstCase = renderLineChart({
    id: 'chart-worst-case',
    title: 'Worst case over attacks and surfaces vs ε',
    xLabel: X_LABEL,
    yLabel: Y_LABEL,
    xTicks,
    references,
    series: summary.defenses.map((entry) => ({
      key: entry.defense.name,
      label: entry.defense.name,
      color: colorOf.get(entry.defense.name) ?? seriesColor(0),
      points: linePoints(entry.worstCase),
    })),
  });
  const innEntries = summary.defenses.filter((entry) => entry.defense.plugin === 'inn' || entry.defense.plugin.endsWith('defense-inn'));
  let innComparison: string | undefined;
  if (innEntries.length > 1) {
    const describe = differingOptions(innEntries.map((entry) => entry.defense));
    innComparison = renderLineChart({
      id: 'chart-inn-comparison',
      title: 'INN hyperparameter comparison',
      xLabel: X_LABEL,
      yLabel: Y_LABEL,
      xTicks: summary.epsilons.map(epsilonIn255),
      series: innEntries.flatMap((entry, index) =>
        entry.curves.map((curve) => {
          const settings = describe(entry.defense.options);
          return {
            key: curve.key,
            label: `${entry.defense.name}${settings ? ` (${settings})` : ''} · ${curve.surface}`,
            color: seriesColor(index),
            dash: surfaceDash(curve.surface),
            points: linePoints(curve.points),
          };
        }),
      ),
    });
  }
  const costed = summary.defenses.filter((entry) => entry.defense.cost !== undefined && entry.headline !== undefined);
  const cost =
    costed.length === 0
      ? undefined
      : renderScatterChart({
          id: 'chart-cost',
          title: 'Training cost vs robustness',
          xLabel: 'training seconds',
          yLabel: `worst-case accuracy at ${epsilonIn255(summary.headlineEpsilon)}/255 (%)`,
          points: costed.map((entry) => ({
            key: entry.defense.name,
            label: entry.defense.name + (entry.defense.cost!.cached ? ' (cached)' : ''),
            x: Math.max(entry.defense.cost!.seconds, 0.01),
            y: entry.headline!.accuracy * 100,
            low: entry.headline!.low * 100,
            high: entry.headline!.high * 100,
            color: colorOf.get(entry.defense.name) ?? seriesColor(0),
          })),
        });
  return { accuracy, worstCase, innComparison, cost };
}
