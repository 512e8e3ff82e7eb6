import type { VariantSearch } from "./Shrinker.ts";

/**
 * Removes topics one at a time (from the last), while at least one is left. A client or
 * fault naming the removed topic makes the candidate invalid, and it is skipped.
 */
export function removeTopics(s: VariantSearch): boolean {
  let progress = false;
  for (let i = s.best.doc.length(["topics"]) - 1; i >= 0 && !s.exhausted; i--) {
    if (s.best.doc.length(["topics"]) <= 1) break;
    const name = s.best.scenario.topics[i]?.name ?? `topics[${i}]`;
    const kept = s.attempt(`removed the topic ${name}`, (doc) => {
      doc.removeItems(["topics"], [i]);
      return true;
    });
    progress = kept || progress;
  }
  return progress;
}

/**
 * Lowers each topic's partitions to 1, else to half, while the failure stays. A fault
 * naming a partition that no longer exists (leader(orders/2)) makes the candidate invalid.
 */
export function lowerPartitions(s: VariantSearch): boolean {
  let progress = false;
  for (let i = 0; i < s.best.doc.length(["topics"]); i++) {
    while (!s.exhausted) {
      const topic = s.best.scenario.topics[i];
      if (topic === undefined || topic.partitions <= 1) break;
      const fewer = [...new Set([1, Math.ceil(topic.partitions / 2)])].filter((p) => p < topic.partitions);
      const kept = fewer.some((partitions) =>
        s.attempt(`${topic.name} partitions: ${topic.partitions} -> ${partitions}`, (doc) => {
          doc.set(["topics", i, "partitions"], partitions);
          return true;
        }),
      );
      if (!kept) break;
      progress = true;
    }
  }
  return progress;
}
