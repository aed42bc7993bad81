import type { RunResults } from '../store/result-types.js';
import { leaderboardRanking, type LeaderboardRanking } from './adjacent-significance.js';

/** Mean and sample standard deviation of one number across seeds. */
export interface SeedSpread {
  /** Mean over the seeds that have the value. */
  mean: number;
  /** Sample standard deviation (n - 1 denominator; 0 with one seed). */
  sd: number;
  /** Seeds that had the value. */
  seeds: number;
  /** The value per seed, in seed order (null where a seed has none). */
  values: Array<number | null>;
}

/** One defense across seeds. */
export interface SeedDefenseSummary {
  /** Defense entry name. */
  name: string;
  /** Clean accuracy across seeds. */
  clean?: SeedSpread;
  /** Best-known accuracy per epsilon (> 0) across seeds. */
  bestKnown: Array<{ epsilon: number; spread: SeedSpread }>;
  /** How many seeds put it at each rank: `rankCounts[r - 1]` = seeds where it ranked r. */
  rankCounts: number[];
  /** Its rank in the mean leaderboard (by mean best-known accuracy at the headline epsilon). */
  meanRank: number;
}

/** A multi-seed sweep summarised: the top-level results.json of `--seeds`. */
export interface SeedSummary {
  /** `multi-seed`: marks the file as a summary of per-seed runs, not a run. */
  kind: 'multi-seed';
  /** The seeds, in run order. */
  seeds: number[];
  /** The per-seed out folders, relative to the summary's folder. */
  runs: string[];
  /** Status of each seed's run. */
  statuses: string[];
  /** Headline epsilon (of the first seed's grid; every seed shares the config). */
  headlineEpsilon: number;
  /** Defenses in the order of mean best-known accuracy at the headline epsilon. */
  defenses: SeedDefenseSummary[];
  /** Each seed's leaderboard with the paired significance of its adjacent rows. */
  perSeed: Array<{ seed: number; leaderboard: LeaderboardRanking }>;
}

/** Mean and sample standard deviation of the present values. */
export function spreadOf(values: Array<number | null>): SeedSpread {
  const present = values.filter((value): value is number => value !== null);
  const mean = present.length > 0 ? present.reduce((total, value) => total + value, 0) / present.length : Number.NaN;
  const variance = present.length > 1 ? present.reduce((total, value) => total + (value - mean) ** 2, 0) / (present.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance), seeds: present.length, values };
}

/**
 * Summarises one sweep run once per seed: per defense and epsilon the mean +- sample standard deviation of
 * best-known accuracy across seeds, clean accuracy likewise, how often each rank held, and per seed the leaderboard
 * with the significance of adjacent rows.
 *
 * @param runs - each seed's results, in seed order
 * @param folders - each seed's out folder relative to the summary
 */
export function summarizeSeeds(runs: readonly RunResults[], folders: readonly string[]): SeedSummary {
  const perSeed = runs.map((results) => ({ seed: results.seed, leaderboard: leaderboardRanking(results) }));
  const names = [...new Set(runs.flatMap((results) => results.defenses.map((defense) => defense.name)))];
  const epsilons = [...new Set(runs.flatMap((results) => results.defenses.flatMap((defense) => (defense.bestKnown ?? []).map((point) => point.epsilon))))]
    .filter((epsilon) => epsilon > 0)
    .sort((left, right) => left - right);
  const headlineEpsilon = perSeed[0]?.leaderboard.headlineEpsilon ?? 0;
  const defenses = names.map((name): SeedDefenseSummary => {
    const entries = runs.map((results) => results.defenses.find((defense) => defense.name === name));
    const cleanValues = entries.map((entry) => entry?.cleanAccuracy?.accuracy ?? null);
    const rankCounts = Array.from({ length: names.length }, () => 0);
    for (const { leaderboard } of perSeed) {
      const rank = leaderboard.order.indexOf(name);
      if (rank >= 0) rankCounts[rank] += 1;
    }
    return {
      name,
      ...(cleanValues.some((value) => value !== null) ? { clean: spreadOf(cleanValues) } : {}),
      bestKnown: epsilons.map((epsilon) => ({ epsilon, spread: spreadOf(entries.map((entry) => entry?.bestKnown?.find((point) => point.epsilon === epsilon)?.accuracy ?? null)) })),
      rankCounts,
      meanRank: 0,
    };
  });
  const headlineMean = (summary: SeedDefenseSummary): number => {
    const mean = summary.bestKnown.find((point) => point.epsilon === headlineEpsilon)?.spread.mean ?? summary.clean?.mean;
    return mean === undefined || Number.isNaN(mean) ? Number.NEGATIVE_INFINITY : mean;
  };
  defenses.sort((left, right) => headlineMean(right) - headlineMean(left) || left.name.localeCompare(right.name));
  defenses.forEach((summary, index) => {
    summary.meanRank = index + 1;
  });
  return { kind: 'multi-seed', seeds: runs.map((results) => results.seed), runs: [...folders], statuses: runs.map((results) => results.status), headlineEpsilon, defenses, perSeed };
}
