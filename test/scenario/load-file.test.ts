import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidScenario, loadScenarioFile, unwrapScenario } from "../../src/scenario/index.ts";

describe("scenario files: loading from disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "ksim-scenario-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a file and names the scenario after it", () => {
    const path = join(dir, "acks-one.yaml");
    writeFileSync(path, "duration: 5s\nproducers: [{config: {acks: 1}}]\n");
    const scenario = unwrapScenario(loadScenarioFile(path));
    expect(scenario.name).toBe("acks-one");
    expect(scenario.file).toBe(path);
    expect(scenario.producers[0]!.config.get("acks")).toBe(1);
  });

  it("a missing file is a ScenarioError naming it, not an exception", () => {
    const path = join(dir, "nope.yaml");
    const result = loadScenarioFile(path);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toBe(`${path}:1:1: cannot read the file: no such file`);
  });

  it("a directory is not a scenario file", () => {
    const result = loadScenarioFile(dir);
    expect(result.ok ? "" : result.errors[0]!.problem).toBe("cannot read the file: it is a directory");
  });

  it("errors carry the file's path, and unwrapScenario throws them all at once", () => {
    const path = join(dir, "broken.yaml");
    writeFileSync(path, "cluster: {brokers: 0}\ntopics: [{name: t, partitions: 0}]\n");
    const result = loadScenarioFile(path);
    expect(() => unwrapScenario(result)).toThrow(InvalidScenario);
    try {
      unwrapScenario(result);
    } catch (error) {
      expect((error as InvalidScenario).errors.map((e) => `${e.file}:${e.line}`)).toEqual([`${path}:1`, `${path}:2`]);
      expect((error as InvalidScenario).message.split("\n")).toHaveLength(2);
    }
  });
});
