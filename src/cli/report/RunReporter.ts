import type { TraceSink } from "../../../sim/index.ts";
import { consumerNodeNames, type Scenario } from "../../scenario/index.ts";
import { buildReport } from "../../report/buildReport.ts";
import type { Report } from "../../report/ReportSchema.ts";
import { teeSinks, TimelineRecorder } from "../../report/TimelineRecorder.ts";
import type { World } from "../../world/World.ts";
import type { RunSummary } from "../runScenario.ts";

/**
 * Collects one run's report: a timeline recorder on the run's trace (composed with a trace
 * file's sink when there is one), the World's lag read as the run goes, and after the run the
 * history, the processed records and the unavailability windows. Hand `trace`, `beforeRun`
 * and `afterRun` to runScenario, then call `report` with its summary.
 */
export class RunReporter {
  private readonly timeline: TimelineRecorder;
  private world: World | null = null;
  private phases: ReturnType<World["run"]> | null = null;
  readonly trace: TraceSink;

  constructor(
    /** The scenario as the seed runs it (choices drawn, swarm faults added). */
    private readonly scenario: Scenario,
    fileTrace?: TraceSink,
  ) {
    const producers = scenario.producers.flatMap((p) => (p.count === 1 ? [p.name] : Array.from({ length: p.count }, (_, i) => `${p.name}-${i + 1}`)));
    this.timeline = new TimelineRecorder({
      brokerNodes: scenario.cluster.brokerNodes,
      ensembleNodes: scenario.cluster.ensembleNodes,
      clientNodes: [...producers, ...scenario.consumers.flatMap((c) => consumerNodeNames(c))],
      topics: scenario.topics.map((t) => t.name),
    });
    this.trace = teeSinks(this.timeline.sink, fileTrace)!;
  }

  readonly beforeRun = (world: World): void => {
    const groups = [...new Set(this.scenario.consumers.map((c) => c.group).filter((g): g is string => g !== null))].sort();
    this.timeline.sampleLag(groups, (g) => world.groupLag(g));
  };

  readonly afterRun = (world: World, phases: ReturnType<World["run"]>): void => {
    this.world = world;
    this.phases = phases;
  };

  /** The report of the run runScenario just judged. */
  report(summary: RunSummary): Report {
    const world = this.world;
    const phases = this.phases;
    if (world === null || phases === null) throw new Error("RunReporter.report before the run ended");
    this.timeline.finish(phases.endMicros);
    return buildReport({
      scenario: world.scenario,
      outcome: summary,
      phases,
      history: world.history,
      processed: world.groups.processedStream(),
      timeline: this.timeline,
      unavailableWindows: world.unavailability.report().windows,
      replay: `npx ksim run ${summary.file} --seed ${summary.seed} --out`,
    });
  }
}
