import { writeHistoryEdn } from "./EdnHistory.ts";
import type { History } from "./History.ts";
import { writeHistoryJsonLines } from "./JsonLinesHistory.ts";

/** `ksim run --history FILE`: the EDN form when FILE ends in `.edn`, JSON lines otherwise. */
export function writeHistory(history: History, path: string): "edn" | "jsonl" {
  if (path.toLowerCase().endsWith(".edn")) {
    writeHistoryEdn(history, path);
    return "edn";
  }
  writeHistoryJsonLines(history, path);
  return "jsonl";
}
