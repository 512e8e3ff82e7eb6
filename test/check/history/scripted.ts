import { History } from "../../../src/check/history/index.ts";

/**
 * A small history with every shape: two sends in flight on one producer, an ok, an info,
 * a fail before a partition was chosen, polls (one empty), a commit that succeeds and one
 * that fails, a send still pending at the end, and an acks=0 acknowledgement.
 */
export function scriptedHistory(): History {
  const h = new History();
  h.sendInvoked("producer-0", 100, "orders", "key-1", 1);
  h.sendInvoked("producer-0", 110, "orders", null, 2);
  h.sendOk("producer-0", 200, 1, 0, 0);
  h.sendFailed("producer-0", 300, 2, true, 1);
  h.sendInvoked("producer-0", 400, "orders", "key-1", 3);
  h.sendFailed("producer-0", 450, 3, false);
  h.polled("consumer-0", 500, [{ topic: "orders", partition: 0, offset: 0, valueId: 1 }]);
  h.commit("consumer-0", 600, "billing", "orders", 0, 1, 3, true);
  h.sendInvoked("producer-0", 700, "orders", "key-2", 4);
  h.sendInvoked("producer-0", 710, "orders", "key-2", 5);
  h.sendOk("producer-0", 800, 5, 1, 0);
  h.polled("consumer-0", 900, [
    { topic: "orders", partition: 0, offset: 0, valueId: 1 },
    { topic: "orders", partition: 1, offset: 0, valueId: 5 },
  ]);
  h.polled("consumer-0", 950, []);
  h.commit("consumer-0", 960, "billing", "orders", 1, 1, 4, false);
  h.sendInvoked("producer-1", 1000, "audit", null, 1_000_000_001);
  h.sendOk("producer-1", 1010, 1_000_000_001, 0, -1);
  return h;
}
