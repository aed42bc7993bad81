/**
 * The Handlebars template of report.html. Kept as a TS module (not a .hbs file) so it works from src under vitest
 * and from dist after tsc, which copies no .hbs files. Self-contained: inline CSS and SVG only, and a CSP that
 * forbids every network request.
 */
export const REPORT_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>advbench report: {{runId}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #1c1c1c; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 4px 8px; border-bottom: 1px solid #e6e6e6; text-align: right; vertical-align: top; }
th { background: #f5f5f5; } td.name, th.name { text-align: left; } .ci { color: #777; font-size: 11px; display: block; }
.headline { background: #fff7df; } .status-failed { color: #b00020; font-weight: 600; } .status-running, .status-pending { color: #8a6d00; }
.rule { background: #f3f7fb; border-left: 3px solid #0072B2; padding: 8px 12px; } .muted { color: #666; } .randomized-mark { background: #fdf0d5; color: #8a5a00; border-radius: 3px; padding: 0 4px; font-size: 0.85em; } tr.surface-row td { font-size: 0.9em; }
.charts svg { display: block; margin: 12px 0; max-width: 100%; height: auto; } dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; } .failed-cell pre { white-space: pre-wrap; margin: 2px 0 8px; color: #b00020; }
.images img { image-rendering: pixelated; width: 96px; height: 96px; border: 1px solid #ccc; margin: 4px; } .images figure { display: inline-block; margin: 4px; text-align: center; font-size: 11px; }
.literature { font-size: 12px; color: #444; }
.flagged { color: #b00020; font-weight: 600; } tr.unreliable-row td { text-align: left; background: #fff0f0; border-left: 3px solid #b00020; font-size: 13px; }
.verdict-flag { color: #b00020; font-weight: 600; } .verdict-pass { color: #08753c; } .verdict-not-run { color: #777; } td.detail { text-align: left; font-size: 12px; max-width: 520px; }
</style>
</head>
<body>
<h1>advbench report</h1>
<p class="muted">Run <code>{{runId}}</code> · status <span class="status-{{status}}">{{status}}</span> · dataset {{dataset.name}} · model {{model.name}} · updated {{updatedAt}}</p>

<h2 id="leaderboard">Leaderboard</h2>
<p class="rule" id="ranking-rule">{{rankingRule}}</p>
<table id="leaderboard-table">
<thead><tr><th>#</th><th class="name">defense</th><th>clean</th>{{#each epsilonColumns}}<th{{#if headline}} class="headline"{{/if}}>ε={{label}}</th>{{/each}}<th>AUC</th><th>training cost</th><th class="name">status</th><th class="name">checks</th></tr></thead>
<tbody>
{{#each leaderboard}}
<tr class="leaderboard-row" data-defense="{{name}}"><td>{{rank}}</td><td class="name"><b>{{name}}</b>{{#if randomized}} <span class="randomized-mark" title="randomized decision rule">randomized</span>{{/if}}<br><span class="muted">{{plugin}}@{{pluginVersion}}</span>{{#if options}}<br><span class="muted">{{options}}</span>{{/if}}{{#if evaluation}}<br><span class="muted evaluation">{{evaluation}}</span>{{/if}}</td>
<td>{{{clean}}}</td>{{#each cells}}<td{{#if headline}} class="headline"{{/if}}>{{{value}}}</td>{{/each}}<td>{{area}}</td><td>{{{cost}}}</td><td class="name status-{{status}}">{{status}}{{#if error}}<br>{{error}}{{/if}}</td><td class="name{{#if flagged}} flagged{{/if}}"><a href="#checks">{{flagText}}</a></td></tr>
{{#if flagged}}<tr class="unreliable-row" data-defense="{{name}}"><td colspan="{{../columnCount}}"><b>⚑ {{name}}: {{../unreliableLabel}}.</b><ul>{{#each flags}}<li data-check="{{id}}"><b>{{title}}</b> (<code>{{id}}</code>): {{detail}}</li>{{/each}}</ul></td></tr>{{/if}}
{{#each curves}}<tr class="surface-row" data-defense="{{../name}}"><td></td><td class="name muted">↳ {{label}}</td><td></td>{{#each cells}}<td{{#if headline}} class="headline"{{/if}}>{{{value}}}</td>{{/each}}<td></td><td></td><td></td><td></td></tr>
{{/each}}
{{/each}}
</tbody>
</table>
<p class="muted">Accuracy in % with the real decision rule; small grey numbers are the 95% Wilson interval. ε columns are the worst case over every attack and surface (per example the lowest outcome: it counts only if it survives all of them), with each attack · surface in the rows under it; a randomized defense's outcomes are the fraction of its paired judge draws classified correctly (the interval is then the Wilson interval of their mean, which errs wide); a trailing * marks an incomplete value (some cell failed or has not run), which is then an upper bound. The checks column: ⚑ and the number of evaluation checks that flagged the row (see <a href="#checks">Evaluation checks</a>), ok when none flagged; the ε columns are best-known robust accuracy (the checks' extra cells count at their ε).</p>

<h3 id="training-budgets">Training budgets</h3>
<table id="budget-table">
<thead><tr><th class="name">defense</th><th class="name">own training</th><th class="name">inherited from the base model</th><th class="name">total</th></tr></thead>
<tbody>
{{#each leaderboard}}<tr class="budget-row" data-defense="{{name}}"><td class="name">{{name}}</td>{{#if budget}}<td class="name">{{budget.own}}</td><td class="name">{{#if budget.inherited}}{{budget.inherited}}{{else}}<span class="muted">none</span>{{/if}}</td><td class="name"><b>{{budget.total}}</b></td>{{else}}<td class="name" colspan="3">{{{cost}}}</td>{{/if}}</tr>
{{/each}}
</tbody>
</table>
<p class="muted">A defense that fine-tunes from the run's base model (it asked for <code>context.base()</code>) inherits the base model's training: its total counts both, so "fine-tuned from base" is not mistaken for cheaper. The undefended model is the base model itself.</p>

<h3 id="significance">Significance of adjacent rows</h3>
{{#if significance.length}}
<table id="significance-table">
<thead><tr><th class="name">rows</th><th>ε</th><th>upper</th><th>lower</th><th>paired n</th><th>upper better</th><th>lower better</th><th>p</th><th class="name">test</th><th class="name">at 0.05</th></tr></thead>
<tbody>
{{#each significance}}<tr class="significance-row" data-upper="{{upper}}" data-lower="{{lower}}"><td class="name">#{{upperRank}} {{upper}} vs {{lower}}</td><td>{{epsilon}}</td><td>{{upperAccuracy}}</td><td>{{lowerAccuracy}}</td><td>{{examples}}</td><td>{{firstBetter}}</td><td>{{secondBetter}}</td><td class="p-value">{{pValue}}</td><td class="name">{{test}}</td><td class="name">{{#if significant}}<b>significant</b>{{else}}not significant{{/if}}</td></tr>
{{/each}}
</tbody>
</table>
<p class="muted">Each pair of adjacent rows compared at the headline ε on the test examples both evaluated, by each defense's per-example best-known outcome (worst case over every attack and surface): McNemar's exact test on 0/1 outcomes, the exact sign test on per-example correct-fractions for randomized defenses (ties dropped, two-sided). Not significant means this sample cannot tell the two rows apart.</p>
{{else}}<p class="muted" id="significance-none">No pair of adjacent rows has per-example outcomes at the headline ε yet.</p>{{/if}}

<h2 id="charts">Charts</h2>
<div class="charts">
{{{charts.worstCase}}}
{{{charts.accuracy}}}
{{#if literature.length}}<p class="literature" id="literature-note">Diamonds are literature reference points, not results of this run: {{literatureSource}}. {{#each literature}}{{method}}: {{accuracy}}% at ε={{epsilon255}}/255{{#unless @last}}; {{/unless}}{{/each}}.</p>{{/if}}
{{#if charts.innComparison}}{{{charts.innComparison}}}{{/if}}
{{#if charts.cost}}{{{charts.cost}}}{{/if}}
</div>

<h2 id="checks">Evaluation checks</h2>
<p>Every row is checked automatically for signs that its evaluation is unreliable (gradient masking, unconverged or broken attacks, undeclared randomness). A flag does not prove the defense weak: it says the number rests on attacks that something contradicts, and what to try. Comparisons "beyond the interval" mean the two 95% Wilson intervals are disjoint. Extra cells run on the checks' subset (at most 200 test examples, spread evenly); they count towards best-known accuracy at their ε.</p>
<table id="verdict-table">
<thead><tr><th class="name">defense</th>{{#each checks}}<th class="name" title="{{rule}}"><code>{{id}}</code></th>{{/each}}</tr></thead>
<tbody>
{{#each verdicts}}<tr class="verdict-row" data-defense="{{name}}"><td class="name"><b>{{name}}</b></td>{{#each items}}<td class="name verdict-{{verdict}}" data-check="{{id}}" title="{{detail}}">{{verdict}}</td>{{/each}}</tr>
{{/each}}
</tbody>
</table>
<table id="verdict-details">
<thead><tr><th class="name">defense</th><th class="name">check</th><th class="name">verdict</th><th class="name">detail</th></tr></thead>
<tbody>
{{#each verdicts}}{{#each items}}<tr class="verdict-detail" data-defense="{{../name}}" data-check="{{id}}"><td class="name">{{../name}}</td><td class="name"><code>{{id}}</code></td><td class="name verdict-{{verdict}}">{{verdict}}</td><td class="detail">{{detail}}</td></tr>
{{/each}}{{/each}}
</tbody>
</table>
<dl class="meta" id="check-explanations">
{{#each checks}}<dt id="check-{{id}}"><code>{{id}}</code>: {{title}}</dt><dd><b>Rule:</b> {{rule}} <b>Why:</b> {{meaning}} <b>On a flag, try:</b> {{remedy}}{{#if needs}} <b>Extra cost:</b> {{needs}}.{{/if}}</dd>
{{/each}}
</dl>

<h2 id="failures">Failed cells</h2>
{{#if failures.length}}
<div id="failed-cells">
{{#each failures}}<div class="failed-cell" data-cell="{{id}}"><b>{{title}}</b><pre>{{error}}</pre></div>{{/each}}
</div>
{{else}}<p class="muted" id="no-failures">None: every cell that ran finished.</p>{{/if}}

<h2 id="defense-surfaces">Decision rules and surfaces</h2>
<table id="surface-table">
<thead><tr><th class="name">defense</th><th class="name">decision rule</th><th class="name">surface</th><th class="name">description</th><th class="name">output</th><th class="name">randomness</th><th class="name">exactness</th><th class="name">attacked</th></tr></thead>
<tbody>
{{#each surfaces}}{{#if surfaces.length}}{{#each surfaces}}<tr class="surface-row" data-defense="{{../defense}}" data-surface="{{name}}"><td class="name">{{../defense}}</td><td class="name">{{../rule}}</td><td class="name">{{name}}</td><td class="name">{{description}}</td><td class="name">{{output}}</td><td class="name">{{randomness}}</td><td class="name">{{exactness}}</td><td class="name">{{#if attacked}}yes{{else}}no{{/if}}</td></tr>
{{/each}}{{else}}<tr class="surface-row" data-defense="{{defense}}"><td class="name">{{defense}}</td><td class="name">{{rule}}</td><td class="name muted" colspan="6">surfaces not recorded (the defense was not prepared)</td></tr>
{{/if}}{{/each}}
</tbody>
</table>

{{#if images.length}}
<h2 id="defense-images">Defense images</h2>
{{#each images}}<div class="images" data-defense="{{defense}}"><h3>{{defense}}</h3>{{#each items}}<figure><img src="{{{dataUrl}}}" alt="{{label}}"><figcaption>{{label}}</figcaption></figure>{{/each}}</div>{{/each}}
{{/if}}

<h2 id="cells">Every cell</h2>
<table id="cell-table">
<thead><tr><th class="name">defense</th><th class="name">attack</th><th class="name">surface</th><th>ε</th><th>accuracy</th><th>seconds</th><th>projections</th><th class="name">status</th><th class="name">for check</th></tr></thead>
<tbody>
{{#each cells}}<tr class="cell-row" data-cell="{{id}}"><td class="name">{{defense}}</td><td class="name">{{attack}}</td><td class="name">{{surface}}</td><td>{{epsilon}}</td><td>{{{accuracy}}}</td><td>{{seconds}}</td><td>{{projections}}</td><td class="name status-{{status}}">{{status}}</td><td class="name">{{#if check}}<code>{{check}}</code>{{/if}}</td></tr>
{{/each}}
</tbody>
</table>

<h2 id="metadata">Run metadata</h2>
<dl class="meta" id="metadata-list">
{{#each metadata}}<dt>{{label}}</dt><dd>{{value}}</dd>
{{/each}}
</dl>
</body>
</html>
`;
