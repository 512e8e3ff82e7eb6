/**
 * ZooKeeper's result codes, as its clients name them (KeeperException.Code). A request
 * answers with one of these or with success; nothing throws across the wire.
 */
export type ZkError =
  | "NONODE"
  | "NODEEXISTS"
  | "BADVERSION"
  | "NOTEMPTY"
  | "NOCHILDRENFOREPHEMERALS"
  | "BADARGUMENTS"
  | "SESSIONEXPIRED"
  | "CONNECTIONLOSS"
  | "OPERATIONTIMEOUT"
  | "RUNTIMEINCONSISTENCY";
