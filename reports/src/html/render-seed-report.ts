import Handlebars from 'handlebars';
import type { SeedSpread, SeedSummary } from '@advbench/core';
import { formatEpsilon, formatPercent } from '../analysis/epsilon-format.js';
import { formatPValue } from '../analysis/significance-text.js';

/** `57.3 ± 2.1` (percent), `—` without values. */
export function spreadText(spread: SeedSpread | undefined): string {
  if (spread === undefined || spread.seeds === 0) return '—';
  return `${formatPercent(spread.mean)} ± ${formatPercent(spread.sd)}`;
}

const SEED_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>advbench multi-seed report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #1c1c1c; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 4px 8px; border-bottom: 1px solid #e6e6e6; text-align: right; } th { background: #f5f5f5; }
td.name, th.name { text-align: left; } .headline { background: #fff7df; } .muted { color: #666; }
</style>
</head>
<body>
<h1>advbench multi-seed report</h1>
<p class="muted">Seeds {{seeds}}; each seed's full run and report in {{runs}}. Status per seed: {{statuses}}.</p>
<h2 id="leaderboard">Leaderboard across seeds</h2>
<p>Ranked by mean best-known robust accuracy at ε = {{headline}}; values are mean ± sample standard deviation across seeds, in %. "Rank held" counts the seeds at which the defense took each rank.</p>
<table id="seed-leaderboard">
<thead><tr><th>#</th><th class="name">defense</th><th>clean</th>{{#each epsilons}}<th{{#if headline}} class="headline"{{/if}}>ε={{label}}</th>{{/each}}<th class="name">rank held</th></tr></thead>
<tbody>
{{#each rows}}<tr class="seed-row" data-defense="{{name}}"><td>{{rank}}</td><td class="name"><b>{{name}}</b></td><td>{{clean}}</td>{{#each cells}}<td{{#if headline}} class="headline"{{/if}}>{{value}}</td>{{/each}}<td class="name">{{ranks}}</td></tr>
{{/each}}
</tbody>
</table>
<h2 id="significance">Significance of adjacent rows, per seed</h2>
<p class="muted">Each seed's leaderboard, adjacent rows compared at the headline ε by an exact paired test on per-example best-known outcomes (McNemar's exact test on 0/1 outcomes, the exact sign test on correct-fractions), level 0.05.</p>
<table id="seed-significance">
<thead><tr><th>seed</th><th class="name">rows</th><th>upper</th><th>lower</th><th>paired n</th><th>p</th><th class="name">at 0.05</th></tr></thead>
<tbody>
{{#each pairs}}<tr class="seed-pair" data-seed="{{seed}}"><td>{{seed}}</td><td class="name">{{upper}} vs {{lower}}</td><td>{{upperAccuracy}}</td><td>{{lowerAccuracy}}</td><td>{{examples}}</td><td>{{pValue}}</td><td class="name">{{#if significant}}<b>significant</b>{{else}}not significant{{/if}}</td></tr>
{{/each}}
</tbody>
</table>
</body>
</html>
`;

let compiled: HandlebarsTemplateDelegate | undefined;

/** The self-contained HTML report of a multi-seed sweep: mean ± sd per defense and ε, rank frequencies, per-seed significance. */
export function renderSeedReport(summary: SeedSummary): string {
  compiled ??= Handlebars.create().compile(SEED_TEMPLATE);
  const epsilons = (summary.defenses[0]?.bestKnown ?? []).map((point) => ({ label: formatEpsilon(point.epsilon), headline: point.epsilon === summary.headlineEpsilon }));
  const rows = summary.defenses.map((entry) => ({
    rank: entry.meanRank,
    name: entry.name,
    clean: spreadText(entry.clean),
    cells: entry.bestKnown.map((point) => ({ value: spreadText(point.spread), headline: point.epsilon === summary.headlineEpsilon })),
    ranks: entry.rankCounts.map((seeds, index) => (seeds > 0 ? `#${index + 1}: ${seeds}/${summary.seeds.length}` : '')).filter(Boolean).join(', '),
  }));
  const pairs = summary.perSeed.flatMap(({ seed, leaderboard }) =>
    leaderboard.adjacent.map((pair) => ({
      seed,
      upper: pair.upper,
      lower: pair.lower,
      upperAccuracy: formatPercent(pair.upperAccuracy),
      lowerAccuracy: formatPercent(pair.lowerAccuracy),
      examples: pair.test.examples,
      pValue: formatPValue(pair.test.pValue),
      significant: pair.significant,
    })),
  );
  return compiled({ seeds: summary.seeds.join(', '), runs: summary.runs.join(', '), statuses: summary.statuses.join(', '), headline: formatEpsilon(summary.headlineEpsilon), epsilons, rows, pairs });
}

/** The multi-seed leaderboard as terminal lines: `#1 a: 57.3 ± 2.1 at ε=8/255 (rank held #1: 2/3, #2: 1/3)`. */
export function seedLeaderboardText(summary: SeedSummary): string {
  const lines = [`Across seeds ${summary.seeds.join(', ')} (mean ± sd of best-known accuracy at ε=${formatEpsilon(summary.headlineEpsilon)}):`];
  for (const entry of summary.defenses) {
    const headline = entry.bestKnown.find((point) => point.epsilon === summary.headlineEpsilon)?.spread;
    const ranks = entry.rankCounts.map((seeds, index) => (seeds > 0 ? `#${index + 1}: ${seeds}/${summary.seeds.length}` : '')).filter(Boolean).join(', ');
    lines.push(`  #${entry.meanRank} ${entry.name}: ${spreadText(headline)} (clean ${spreadText(entry.clean)}; rank held ${ranks})`);
  }
  for (const { seed, leaderboard } of summary.perSeed) {
    for (const pair of leaderboard.adjacent) {
      lines.push(`  seed ${seed}: ${pair.upper} vs ${pair.lower}: p = ${formatPValue(pair.test.pValue)} (${pair.significant ? 'significant' : 'not significant'} at ${pair.level})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
