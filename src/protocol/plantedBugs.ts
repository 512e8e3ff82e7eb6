/**
 * Known bugs that tests plant in the model to prove the checkers see them. All off in
 * every real run; a test turns one on, runs, and turns it off again. Each names the
 * invariant expected to catch it.
 */
export interface PlantedBugs {
  /** The leader answers acks=all before the ISR has the batch (lost-write after a leader crash). */
  ackBeforeIsr: boolean;
  /** The high watermark is the largest log end in the ISR instead of the smallest (leader-completeness). */
  hwLargestLeo: boolean;
  /** The controller elects a replica outside the ISR although an ISR member is alive (leader-completeness). */
  uncleanWithIsrAlive: boolean;
  /** Closing a session leaves its ephemeral nodes behind (ensemble). */
  ephemeralOutlivesSession: boolean;
  /** A group consumer loses the first record of every tenth poll: its position moves past it (poll-skip). */
  consumerSkips: boolean;
  /** A group member commits one past its position (a record the next owner never processes). */
  commitOnePast: boolean;
}

export const PLANTED: PlantedBugs = {
  ackBeforeIsr: false,
  hwLargestLeo: false,
  uncleanWithIsrAlive: false,
  ephemeralOutlivesSession: false,
  consumerSkips: false,
  commitOnePast: false,
};

/** Runs `body` with one bug planted, and removes it afterwards whatever happens. */
export function withPlantedBug<T>(bug: keyof PlantedBugs, body: () => T): T {
  PLANTED[bug] = true;
  try {
    return body();
  } finally {
    PLANTED[bug] = false;
  }
}
