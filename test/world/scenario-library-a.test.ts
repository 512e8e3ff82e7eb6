import { describe, expect, it } from "vitest";
import { describeLibraryScenarios, libraryFiles, libraryShare } from "./library.ts";

describe("scenario library: the stories of issue 4 are all there", () => {
  it("holds leader-crash, leader-crash-acks1, isr-shrink, unclean-election, jepsen-2013 and jepsen-2013-fixed", () => {
    for (const name of ["leader-crash", "leader-crash-acks1", "isr-shrink", "unclean-election", "jepsen-2013", "jepsen-2013-fixed"]) {
      expect(libraryFiles()).toContain(`${name}.yaml`);
    }
  });
});

// Half of the library; scenario-library-b.test.ts runs the other half beside it.
describeLibraryScenarios(libraryShare(0, 2));
