import { describe, expect, it } from "vitest";
import { javaStringHashCode, offsetsPartitionFor } from "../../../src/protocol/groups.ts";

// Values computed with the JDK's String.hashCode and Kafka's Utils.abs(hash) % 50.
const JDK = [
  ["hello", 99162322, 22],
  ["my-group", -1906497762, 12],
  ["consumer-group-1", 147483020, 20],
  ["ksim", 3301516, 16],
  ["polygenelubricants", -2147483648, 0],
] as const;

describe("group coordinator: which offsets partition a group lives on", () => {
  it.each(JDK)("%s hashes as Java does and lands where Kafka puts it", (group, hash, partition) => {
    expect(javaStringHashCode(group)).toBe(hash);
    expect(offsetsPartitionFor(group, 50)).toBe(partition);
  });
});
