export { History, OpKind } from "./History.ts";
export type { AssignView, CommitView, OpView, PolledRecord, PolledRecordView, PolledRunView, SendCompletion, SendView } from "./History.ts";
export { historyJsonLines, writeHistoryJsonLines } from "./JsonLinesHistory.ts";
export { ednKeys, historyEdnLines, writeHistoryEdn } from "./EdnHistory.ts";
export { writeHistory } from "./writeHistory.ts";
export { newSendBlock, OK as SEND_OK, type SendBlock } from "./Sends.ts";
