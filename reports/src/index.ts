/**
 * @advbench/reports: the self-contained HTML report, its server-side SVG charts, the terminal progress and
 * leaderboard, and the live websocket viewer. Core loads this package at run time (core/src/cli/load-reports.ts).
 */
export { renderReport, type RenderReportOptions } from './html/render-report.js';
export { renderSeedReport, seedLeaderboardText, spreadText } from './html/render-seed-report.js';
export type { InlineImage } from './html/defense-images.js';
export { pngDataUrl, type PixelImage } from './html/png-data-url.js';
export { summarizeRun, headlineEpsilonOf, type RunSummary, type DefenseSummary, type AccuracyCurve, type CurvePoint } from './analysis/summarize-run.js';
export { IMAGENET_LITERATURE, LITERATURE_SOURCE, literatureFor, looksLikeImageNet, type LiteraturePoint } from './analysis/literature-points.js';
export { sampleRunResults, type SampleRunOptions } from './fixtures/sample-run-results.js';
export { createHtmlReporter, REPORT_FILE_NAME, type HtmlReporterOptions } from './html/html-reporter.js';
export { writeFileAtomic } from './html/write-file-atomic.js';
export { createTerminalReporter, type TerminalReporterOptions } from './terminal/terminal-reporter.js';
export { renderLeaderboardTable } from './terminal/leaderboard-table.js';
export { startLiveServer, type LiveServer, type LiveServerOptions, type LiveSnapshotMessage } from './live/live-server.js';
export { isLoopbackHost } from './live/live-token.js';
export { RunStateMirror } from './state/run-state-mirror.js';
