import { leaderboardRanking } from '../../analysis/adjacent-significance.js';
import { writeResultsJson } from '../../store/results-json.js';
import type { RunResults } from '../../store/result-types.js';

/** Writes the run's results.json into its out folder (atomically), with its leaderboard and adjacent-row significance. */
export async function exportResults(out: string, results: RunResults): Promise<void> {
  await writeResultsJson(out, { ...results, leaderboard: leaderboardRanking(results) });
}
