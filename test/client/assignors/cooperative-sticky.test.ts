import { describe, expect, it } from "vitest";
import { CooperativeStickyAssignor, StickyAssignor } from "../../../src/client/consumer/assignors/index.ts";
import { counts, members, show, sub } from "./helpers.ts";

const cooperative = new CooperativeStickyAssignor();
const sticky = new StickyAssignor();

describe("cooperative-sticky assignor: partitions change owner in two rebalances", () => {
  const topics = counts({ t: 3 });

  it("a joining member gets a partition taken from another only in the rebalance after it was revoked", () => {
    const first = cooperative.assign(topics, members({ c1: sub(["t"], ["t-0", "t-1", "t-2"], 1), c2: sub(["t"], [], 1) }));
    // Sticky would move t-2 to c2 at once; cooperatively c1 must give it up first.
    expect(show(first)).toEqual({ c1: ["t-0", "t-1"], c2: [] });

    const second = cooperative.assign(topics, members({ c1: sub(["t"], ["t-0", "t-1"], 2), c2: sub(["t"], [], 2) }));
    expect(show(second)).toEqual({ c1: ["t-0", "t-1"], c2: ["t-2"] });
  });

  it("the partitions of a member that left are free and move at once", () => {
    const assignment = cooperative.assign(
      topics,
      members({ c1: sub(["t"], ["t-0"], 1), c2: sub(["t"], ["t-1"], 1) }), // c3 owned t-2 and left
    );
    expect(show(assignment)).toEqual({ c1: ["t-0", "t-2"], c2: ["t-1"] });
  });

  it("with different subscriptions, withholds what moves between current members (Kafka's computed transfers)", () => {
    // c1 reads t and u and owns everything; c2 joins on t only.
    const group = members({ c1: sub(["t", "u"], ["t-0", "t-1", "t-2", "u-0"], 1), c2: sub(["t"], [], 1) });
    const both = counts({ t: 3, u: 1 });
    // The general algorithm moves t-0 and t-1 to c2 (2 and 2); both come from c1, a current member.
    expect(show(sticky.assign(both, group))).toEqual({ c1: ["t-2", "u-0"], c2: ["t-0", "t-1"] });
    expect(show(cooperative.assign(both, group))).toEqual({ c1: ["t-2", "u-0"], c2: [] });
  });

  it("advertises the cooperative protocol first, then eager", () => {
    expect(cooperative.rebalanceProtocols).toEqual(["cooperative", "eager"]);
    expect(sticky.rebalanceProtocols).toEqual(["eager"]);
  });
});
