import type { VariantSearch } from "./Shrinker.ts";

type Path = (string | number)[];

/**
 * Removes settings one at a time, each falling back to its default: the keys of every
 * `config:` block (cluster, topics, producers, consumers) and of `network:` and `disk:`.
 * What stays in the minimal file is what the failure needs (acks: 1, say). A removal the
 * loader refuses (commit: without group.id) is skipped.
 */
export function removeSettings(s: VariantSearch): boolean {
  let progress = false;
  for (const block of settingBlocks(s)) {
    for (const key of keysOf(s, block)) {
      if (s.exhausted) return progress;
      const kept = s.attempt(`removed ${fieldPath([...block, key])} (${String(s.best.doc.value([...block, key]))})`, (doc) => {
        doc.delete([...block, key]);
        if (keysOfValue(doc.value(block)).length === 0) doc.delete(block);
        return true;
      });
      progress = kept || progress;
    }
  }
  return progress;
}

function settingBlocks(s: VariantSearch): Path[] {
  const blocks: Path[] = [["cluster", "config"], ["network"], ["disk"]];
  for (const list of ["topics", "producers", "consumers"]) {
    for (let i = 0; i < s.best.doc.length([list]); i++) blocks.push([list, i, "config"]);
  }
  return blocks.filter((block) => keysOf(s, block).length > 0);
}

function keysOf(s: VariantSearch, block: Path): string[] {
  return keysOfValue(s.best.doc.value(block));
}

function keysOfValue(value: unknown): string[] {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

/** ["producers", 0, "config", "acks"] -> `producers[0].config.acks`, as the loader names fields. */
function fieldPath(path: Path): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}
