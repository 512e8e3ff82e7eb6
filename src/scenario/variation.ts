import type { SwarmSpec } from "./swarm.ts";

/**
 * What a scenario leaves to the seed (settings written as choices, a `swarm:` section)
 * and what one seed drew. A Scenario carries it only when its file has something to draw.
 * `resolveScenario(scenario, seed)` reads the file's text again with that seed; the
 * Scenario it gives is the run of that seed (its `seed` is set).
 */
export interface Variation {
  /** The file's text, read again for each seed. */
  readonly source: string;
  /** The seed these draws are for; null for the file read without one (first options, no swarm faults). */
  readonly seed: string | null;
  /** The drawn value of each setting written as a choice, by field path (`producers[0].config.acks`). */
  readonly settings: Readonly<Record<string, string | number | boolean | null>>;
  readonly swarm: SwarmSpec | null;
  /** The swarm's faults for this seed, described (`crash controller at 5.2s for 3s`), in time order. */
  readonly swarmFaults: readonly string[];
}

/** What a seed ran with, for reports and `--json`: the drawn settings and swarm faults. */
export interface Drawn {
  readonly settings: Readonly<Record<string, string | number | boolean | null>>;
  readonly faults: readonly string[];
}

export function drawnOf(variation: Variation | undefined): Drawn | null {
  if (variation === undefined) return null;
  return { settings: variation.settings, faults: variation.swarmFaults };
}

/** `acks=all (producers[0]), replica.lag.time.max.ms=12000 (cluster)`: drawn settings on one line. */
export function describeSettings(settings: Drawn["settings"]): string {
  return Object.entries(settings)
    .map(([path, value]) => {
      const dot = path.indexOf(".config.");
      const key = dot < 0 ? path : path.slice(dot + ".config.".length);
      const owner = dot < 0 ? "" : ` (${path.slice(0, dot)})`;
      return `${key}=${String(value)}${owner}`;
    })
    .join(", ");
}
