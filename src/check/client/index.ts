export { checkHistory, CLIENT_INVARIANTS } from "./checkHistory.ts";
export type { CheckHistoryOptions, ClientCheckCounts } from "./checkHistory.ts";
