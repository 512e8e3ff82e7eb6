import type { Op, OpResult } from "../../coord/ZnodeTree.ts";
import { decode, encode, ZK, type BrokerIncarnationZnode, type BrokerRegistration } from "../zk/paths.ts";
import type { ZkCalls } from "../zk/ZkCalls.ts";

/** A registration the controller has read: the process that made it, and the record it replaces. */
export interface SeenRegistration {
  readonly broker: number;
  readonly incarnation: number;
  /** The stored record's version, or null when this broker never had one. */
  readonly storedVersion: number | null;
}

export interface RegistrationsRead {
  /** Brokers whose registration comes from a new process: it follows an unclean shutdown. */
  readonly unclean: number[];
  /** What to store once the controller has acted on them. */
  readonly seen: SeenRegistration[];
}

/**
 * KIP-966's unclean-shutdown check as ksim's ZooKeeper mode can make it. In KRaft a broker
 * registers with the broker epoch its clean shutdown wrote to disk, and the controller
 * compares it with the registration it holds: a new incarnation without a match means the
 * broker stopped uncleanly, and its replicas may have lost records they had acknowledged.
 * ksim's brokers only ever stop by crashing (there is no controlled shutdown), so a
 * registration from a new incarnation is always unclean; one from the same incarnation (a
 * session that expired and was renewed) is not. The registration the controller last acted
 * on is kept in a persistent node, so a new controller does not act on it twice.
 */
export function readRegistrations(zk: ZkCalls, brokers: readonly number[], done: (read: RegistrationsRead) => void): void {
  const read: RegistrationsRead = { unclean: [], seen: [] };
  let i = 0;
  const next = (): void => {
    if (i >= brokers.length) return done(read);
    const broker = brokers[i++]!;
    zk.getData(ZK.brokerId(broker), null, (registration) => {
      const incarnation = registration ? decode<BrokerRegistration>(registration.data).incarnation : undefined;
      if (incarnation === undefined) return next();
      zk.getData(ZK.brokerIncarnation(broker), null, (stored) => {
        const known = stored ? decode<BrokerIncarnationZnode>(stored.data).incarnation : null;
        // A broker the controller has never seen is new to the cluster, not restarting (as KRaft
        // treats a registration with no earlier one): it is in no ISR and no ELR yet.
        if (known !== null && known !== incarnation) read.unclean.push(broker);
        if (known !== incarnation) read.seen.push({ broker, incarnation, storedVersion: stored ? stored.version : null });
        next();
      });
    });
  };
  next();
}

/**
 * Stores the registrations the controller has acted on, each conditional on the controller
 * epoch (a deposed controller's record must not stand for work it did not finish).
 */
export function storeRegistrations(
  zk: ZkCalls,
  seen: readonly SeenRegistration[],
  controllerEpoch: { readonly path: string; readonly version: number },
  done: () => void,
): void {
  if (seen.length === 0) return done();
  zk.create(ZK.brokerIncarnations, "", {}, () => {
    let i = 0;
    const next = (_results?: readonly OpResult[]): void => {
      if (i >= seen.length) return done();
      const s = seen[i++]!;
      const data = encode({ incarnation: s.incarnation } satisfies BrokerIncarnationZnode);
      const write: Op =
        s.storedVersion === null
          ? { op: "create", path: ZK.brokerIncarnation(s.broker), data, ephemeral: false, sequential: false }
          : { op: "setData", path: ZK.brokerIncarnation(s.broker), data, version: s.storedVersion };
      zk.multi([{ op: "check", path: controllerEpoch.path, version: controllerEpoch.version }, write], next);
    };
    next();
  });
}
