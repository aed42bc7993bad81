/** Colours for series, by entry order (colour-blind-friendly Okabe-Ito order, then extras). */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7f7f7f', '#8c564b', '#000000', '#bcbd22'];

/** The colour of the `index`-th entry. */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length];
}

/** Stroke dash pattern of a surface: `full` solid, `inn1` dashed, `inn2` dotted, others dash-dot. */
export function surfaceDash(surface: string): string | undefined {
  if (surface === 'full' || surface === 'worst case') return undefined;
  if (surface === 'inn1') return '7 4';
  if (surface === 'inn2') return '2 3';
  return '9 3 2 3';
}
