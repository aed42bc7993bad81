import Handlebars from 'handlebars';
import type { AccuracyEstimate, RunResults } from '@advbench/core';
import { EVALUATION_CHECKS } from '@advbench/core';
import { formatEpsilon, formatPercent } from '../analysis/epsilon-format.js';
import { evaluationText, optionsText } from '../analysis/evaluation-text.js';
import { literatureFor, LITERATURE_SOURCE } from '../analysis/literature-points.js';
import { budgetLines } from '../analysis/budget-text.js';
import { formatPValue, testName } from '../analysis/significance-text.js';
import { flagSummary, summarizeRun, UNRELIABLE_LABEL } from '../analysis/summarize-run.js';
import { renderReportCharts } from '../charts/report-charts.js';
import { REPORT_TEMPLATE } from '../templates/report-template.js';
import { imagesFromDescription, toInlineImage, type InlineImage } from './defense-images.js';
import { defenseSurfaceRows } from './defense-surfaces.js';
import type { PixelImage } from './png-data-url.js';

/** Options of {@link renderReport}. */
export interface RenderReportOptions {
  /** Extra images per defense entry name: inline data URLs, or pixels (a defense's `images()`), encoded as PNG. Anything else is dropped. */
  images?: Record<string, Array<InlineImage | PixelImage>>;
}

let compiled: HandlebarsTemplateDelegate | undefined;

/** The compiled template (compiled once per process). */
function template(): HandlebarsTemplateDelegate {
  compiled ??= Handlebars.create().compile(REPORT_TEMPLATE);
  return compiled;
}

/** An accuracy with its interval as HTML (numbers only, so safe to embed unescaped). */
function estimateHtml(estimate: AccuracyEstimate | undefined, partial = false): string {
  if (estimate === undefined) return '<span class="muted">—</span>';
  return `${formatPercent(estimate.accuracy)}${partial ? '*' : ''}<span class="ci">${formatPercent(estimate.low)}–${formatPercent(estimate.high)}</span>`;
}


/** A count with thousands separators. */
function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/**
 * Renders the self-contained HTML report of a run: leaderboard (ranking rule stated), inline SVG charts, failed
 * cells with their errors, every cell, and the run metadata. The page makes no network request of any kind.
 */
export function renderReport(results: RunResults, options: RenderReportOptions = {}): string {
  const summary = summarizeRun(results);
  const charts = renderReportCharts(results, summary);
  const literature = literatureFor(results.dataset);
  const epsilonColumns = summary.epsilons.filter((epsilon) => epsilon > 0).map((epsilon) => ({ label: formatEpsilon(epsilon), headline: epsilon === summary.headlineEpsilon }));
  const leaderboard = summary.defenses.map((entry) => ({
    rank: entry.rank,
    name: entry.defense.name,
    plugin: entry.defense.plugin,
    pluginVersion: entry.defense.pluginVersion,
    options: optionsText(entry.defense.options),
    evaluation: evaluationText(entry.defense),
    randomized: entry.defense.evaluation?.randomized === true,
    // Each attack x surface next to the worst case it contributes to.
    curves: entry.curves.map((curve) => ({
      label: `${curve.attack} · ${curve.surface}`,
      cells: epsilonColumns.map((column, index) => {
        const epsilon = summary.epsilons.filter((value) => value > 0)[index];
        const point = curve.points.find((candidate) => candidate.epsilon === epsilon);
        return { value: estimateHtml(point?.estimate, point?.partial), headline: column.headline };
      }),
    })),
    clean: estimateHtml(entry.clean),
    cells: entry.worstCase
      .filter((point) => point.epsilon > 0)
      .map((point) => ({ value: estimateHtml(point.estimate, point.partial), headline: point.epsilon === summary.headlineEpsilon })),
    area: entry.area === undefined ? '—' : formatPercent(entry.area),
    cost:
      entry.defense.cost === undefined
        ? '<span class="muted">—</span>'
        : `${entry.defense.cost.seconds.toFixed(1)} s${entry.defense.cost.cached ? ' (cached)' : ''}<span class="ci">${count(entry.defense.cost.examples)} examples · ${count(entry.defense.cost.forwardPasses)} fwd · ${count(entry.defense.cost.backwardPasses)} bwd</span>`,
    budget: budgetLines(entry.defense),
    status: entry.defense.status === 'failed' || entry.failedCells.length > 0 ? 'failed' : entry.complete ? 'done' : results.status === 'running' ? 'running' : 'incomplete',
    error: entry.defense.error ?? (entry.failedCells.length > 0 ? `${entry.failedCells.length} cell(s) failed` : undefined),
    flagText: flagSummary(entry),
    flagged: entry.flags.length > 0,
    flags: entry.flags,
  }));
  const significance = summary.significance.map((pair) => ({
    upper: pair.upper,
    lower: pair.lower,
    upperRank: summary.defenses.find((entry) => entry.defense.name === pair.upper)?.rank,
    epsilon: formatEpsilon(pair.epsilon),
    upperAccuracy: formatPercent(pair.upperAccuracy),
    lowerAccuracy: formatPercent(pair.lowerAccuracy),
    examples: pair.test.examples,
    firstBetter: pair.test.firstBetter,
    secondBetter: pair.test.secondBetter,
    pValue: formatPValue(pair.test.pValue),
    test: testName(pair),
    significant: pair.significant,
    level: pair.level,
  }));
  const columnCount = 7 + epsilonColumns.length;
  const checks = EVALUATION_CHECKS.map((check) => ({ id: check.id, title: check.title, rule: check.rule, meaning: check.meaning, remedy: check.remedy, needs: check.needs }));
  const verdicts = summary.defenses.map((entry) => ({
    name: entry.defense.name,
    items: EVALUATION_CHECKS.map((check) => {
      const found = entry.checks.find((candidate) => candidate.id === check.id);
      return { id: check.id, verdict: found?.verdict ?? 'not-run', detail: found?.detail ?? 'not decided' };
    }),
  }));
  const failures = [
    ...results.defenses.filter((defense) => defense.status === 'failed').map((defense) => ({ id: defense.name, title: `defense ${defense.name} failed`, error: defense.error ?? 'no error message recorded' })),
    ...summary.failedCells.map((cell) => ({ id: cell.id, title: `${cell.defense} · ${cell.attack} · ${cell.surface} · ε=${formatEpsilon(cell.epsilon)}`, error: cell.error ?? 'no error message recorded' })),
  ];
  const images = results.defenses
    .map((defense) => ({ defense: defense.name, items: [...imagesFromDescription(defense), ...(options.images?.[defense.name] ?? []).map(toInlineImage).filter((image) => image !== undefined)] }))
    .filter((entry) => entry.items.length > 0);
  const cells = results.cells.map((cell) => ({
    id: cell.id,
    defense: cell.defense,
    attack: cell.attack,
    surface: cell.surface,
    epsilon: formatEpsilon(cell.epsilon),
    accuracy: cell.status === 'done' ? estimateHtml(cell.result) : '<span class="muted">—</span>',
    seconds: cell.seconds.toFixed(1),
    projections: cell.projectionCorrections,
    status: cell.status,
    check: cell.extra?.check,
  }));
  const samples = [...new Set(results.cells.filter((cell) => cell.result !== undefined).map((cell) => cell.result!.samples))];
  const backend = results.backend;
  const metadata = [
    { label: 'run id', value: results.runId },
    { label: 'status', value: results.status },
    { label: 'created', value: results.createdAt },
    { label: 'updated', value: results.updatedAt },
    { label: 'seed', value: String(results.seed) },
    { label: 'backend', value: backend.webgpu === undefined
      ? `${backend.name} (${backend.package} ${backend.version}, ${backend.threads} thread(s)${backend.simd === undefined ? '' : backend.simd ? ', SIMD' : ', no SIMD'}${backend.gpu ? ', GPU' : ''})`
      : `${backend.name} (${backend.package} ${backend.version}, ${backend.webgpu.package}; adapter ${backend.webgpu.description || backend.webgpu.device}, vendor ${backend.webgpu.vendor}, ${backend.webgpu.software ? 'software' : 'GPU'}; maxStorageBufferBindingSize ${backend.webgpu.limits.maxStorageBufferBindingSize})` },
    { label: 'versions', value: `advbench ${results.versions.advbench}, tfjs ${results.versions.tfjs}, node ${results.versions.node}` },
    { label: 'plugins', value: optionsText(results.versions.plugins) || '—' },
    { label: 'config hash', value: results.configHash },
    { label: 'dataset', value: `${results.dataset.name}: ${results.dataset.classes} classes, input ${results.dataset.inputShape.join('×')}, checksums ${results.dataset.checksumsVerified ? 'verified' : 'not verified'}` },
    { label: 'samples', value: `${results.dataset.trainCount} training, ${results.dataset.testCount} test; ${samples.length > 0 ? samples.join(', ') : 'no'} examples per finished cell` },
    { label: 'model', value: `${results.model.name}${results.model.params === undefined ? '' : `, ${count(results.model.params)} parameters`}${results.model.pretrained ? `, pretrained ${results.model.pretrained}` : ''}` },
    { label: 'cells', value: `${results.cells.length} planned, ${results.cells.filter((cell) => cell.status === 'done').length} done, ${summary.failedCells.length} failed` },
  ];
  return template()({
    runId: results.runId,
    status: results.status,
    updatedAt: results.updatedAt,
    dataset: results.dataset,
    model: results.model,
    rankingRule: summary.rankingRule,
    epsilonColumns,
    leaderboard,
    significance,
    charts,
    literature,
    literatureSource: LITERATURE_SOURCE,
    failures,
    surfaces: defenseSurfaceRows(results),
    images,
    cells,
    metadata,
    columnCount,
    unreliableLabel: UNRELIABLE_LABEL,
    checks,
    verdicts,
  });
}
