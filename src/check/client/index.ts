export { checkHistory } from "./checkHistory.ts";
export type { CheckHistoryOptions, ClientCheckCounts } from "./checkHistory.ts";
