import { Simulation, formatDuration, seconds } from "../../sim/index.ts";
import { addEnsemble } from "../coord/Ensemble.ts";
import { EnsembleChecker } from "../coord/EnsembleChecker.ts";

export interface EnsembleDemoResult {
  seed: string;
  /** What happened, one line per step, in simulated time. */
  story: string[];
  firstLeader: string | null;
  secondLeader: string | null;
  violations: string[];
  fingerprint: string;
}

/**
 * The ensemble demo: three members elect a leader, the leader crashes, the other two
 * elect another with a higher epoch, and the crashed member comes back as a follower.
 * Deterministic by seed: the same seed tells the same story with the same fingerprint.
 */
export function runEnsembleDemo(seed: string): EnsembleDemoResult {
  const story: string[] = [];
  const checker = new EnsembleChecker();
  const sim = new Simulation({ seed });
  const say = (line: string) => story.push(`${formatDuration(sim.now).padStart(9)}  ${line}`);
  const ensemble = addEnsemble(sim, {
    size: 3,
    observer: {
      leaderEstablished: (member, epoch) => {
        checker.leaderEstablished(member, epoch);
        say(`${member} leads epoch ${epoch}`);
      },
      committed: (member, entry) => checker.committed(member, entry),
      treeReset: (member, from) => checker.treeReset(member, from),
    },
  });
  sim.run({ untilMicros: seconds(5) });
  const firstLeader = ensemble.leader();
  if (firstLeader) {
    say(`${firstLeader} crashes`);
    sim.node(firstLeader).crash();
  }
  sim.run({ untilMicros: seconds(20) });
  const secondLeader = ensemble.leader();
  if (firstLeader) {
    say(`${firstLeader} restarts`);
    sim.node(firstLeader).restart();
  }
  sim.run({ untilMicros: seconds(30) });
  say(`serving: ${ensemble.serving().join(", ")}; leader ${ensemble.leader() ?? "none"}`);
  checker.checkPrefixes();
  return { seed, story, firstLeader, secondLeader, violations: checker.violations, fingerprint: sim.fingerprint.toString() };
}
