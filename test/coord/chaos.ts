/**
 * A randomized run of the ensemble: clients writing (creates, ephemerals, conditional
 * setData on a shared counter) through crashes (some losing unsynced data), restarts,
 * pauses, partitions and heals, then a heal-and-settle phase. Every random choice comes
 * from the simulation's "test" stream, so a seed replays the same run.
 */
import { millis, seconds, type CrashLossPolicy, type Micros, type Random } from "../../sim/index.ts";
import { checkTree } from "../../src/coord/EnsembleChecker.ts";
import {
  addClient,
  answeredWritesCommitted,
  answersMatchReplay,
  awaitSettled,
  conditionalSetDataProblems,
  describeMembers,
  finalStateProblems,
  linearizabilityViolations,
  makeWorld,
  runFor,
  type RecordingClientHost,
  type World,
} from "./harness.ts";

export interface ChaosRun {
  readonly world: World;
  readonly size: number;
  readonly crashLoss: CrashLossPolicy;
  /** What the fault schedule did, in order, for failure messages. */
  readonly faults: string[];
  readonly healedAtMicros: Micros;
  readonly settled: boolean;
}

export interface ChaosOptions {
  faultPhaseMicros?: Micros;
  clients?: number;
  /** The gap between two faults is drawn from [min, max] (default 1-6 s). */
  faultGapMicros?: readonly [Micros, Micros];
}

const CLIENT_NAMES = ["c1", "c2", "c3", "c4"];

export function runChaos(seed: string, options: ChaosOptions = {}): ChaosRun {
  const faultPhaseMicros = options.faultPhaseMicros ?? seconds(45);
  let crashLoss: CrashLossPolicy = "all";
  let size = 3;
  const world = makeWorld({
    seed: `chaos/${seed}`,
    shape: (test) => {
      size = test.chance(0.3) ? 5 : 3;
      crashLoss = test.chance(0.5) ? "all" : "torn";
      return { size, disk: { crashLoss, fsyncMicros: millis(test.int(1, 20)) } };
    },
  });
  const { sim } = world;
  const rng = sim.random.stream("test").stream("faults");
  const stop = { now: false };
  const clientCount = options.clients ?? 3;
  for (const name of CLIENT_NAMES.slice(0, clientCount)) {
    const clientRng = sim.random.stream("test").stream(name);
    addClient(world, name, {
      sessionTimeoutMicros: seconds(clientRng.int(4, 12)),
      requestTimeoutMicros: seconds(clientRng.int(3, 10)),
      script: workload(world, name, clientRng, stop),
    });
  }
  const faults: string[] = [];
  scheduleFaults(world, rng, faultPhaseMicros, options.faultGapMicros ?? [seconds(1), seconds(6)], faults);
  runFor(sim, faultPhaseMicros);

  // Liveness phase: everything back, the workload goes on a while, then stops and settles.
  // 30 s covers the slowest recovery ZAB allows here: a follower that chose a member which no
  // longer leads waits initLimit (20 s) before it looks again.
  healAll(world, faults);
  const healedAtMicros = sim.now;
  runFor(sim, seconds(30));
  stop.now = true;
  const settled = awaitSettled(world, seconds(60));
  runFor(sim, seconds(1));
  return { world, size, crashLoss, faults, healedAtMicros, settled };
}

function healAll(world: World, faults: string[]): void {
  const { sim, ens } = world;
  sim.network.heal();
  for (const n of ens.names) {
    const node = sim.node(n);
    if (node.isPaused) node.resume();
    if (node.isDown) node.restart();
  }
  faults.push(`${sim.now}: heal all`);
}

/** The fault schedule: one random action every so often; at most a minority of members down or paused. */
function scheduleFaults(world: World, rng: Random, untilMicros: Micros, gapMicros: readonly [Micros, Micros], faults: string[]): void {
  const { sim } = world;
  let t = sim.now + seconds(rng.int(2, 5));
  while (t < untilMicros) {
    sim.scheduleAt(t, sim.label("test.fault"), () => faults.push(`${sim.now}: ${injectFault(world, rng)}`));
    t += rng.int(gapMicros[0], gapMicros[1]);
  }
}

function injectFault(world: World, rng: Random): string {
  const { sim, ens } = world;
  const members = ens.names;
  const maxDown = Math.floor((members.length - 1) / 2);
  const down = members.filter((n) => !sim.node(n).isUp);
  const up = members.filter((n) => sim.node(n).isUp);
  const roll = rng.next();
  if (roll < 0.25) {
    if (down.length >= maxDown) return "crash skipped (a minority is already down)";
    // Half the time the leader, when there is one: the interesting crash.
    const leader = ens.leader();
    const victim = leader !== null && rng.chance(0.5) ? leader : rng.pick(up);
    sim.node(victim).crash();
    return `crash ${victim}`;
  }
  if (roll < 0.45) {
    const crashed = members.filter((n) => sim.node(n).isDown);
    if (crashed.length === 0) return "restart skipped (none down)";
    const back = rng.pick(crashed);
    sim.node(back).restart();
    return `restart ${back}`;
  }
  if (roll < 0.55) {
    if (down.length >= maxDown) return "pause skipped (a minority is already down)";
    const victim = rng.pick(up);
    const pauseMicros = millis(rng.int(500, 14_000));
    sim.node(victim).pause();
    sim.schedule(pauseMicros, sim.label("test.resume"), () => sim.node(victim).resume());
    return `pause ${victim} for ${pauseMicros}us`;
  }
  if (roll < 0.7) return partition(world, rng);
  if (roll < 0.75) return oneWayOrClog(world, rng);
  if (roll < 0.82) {
    const client = rng.pick([...world.clients.keys()]);
    sim.network.isolate(client);
    return `isolate ${client}`;
  }
  sim.network.heal();
  return "heal";
}

/** A one-way cut from one member to the others, a slow link between two members, or a slow disk, for a while. */
function oneWayOrClog(world: World, rng: Random): string {
  const { sim, ens } = world;
  const [a, b] = rng.shuffle(ens.names) as [string, string];
  const roll = rng.next();
  if (roll < 0.25) {
    const factor = rng.int(5, 200);
    sim.node(a).disk.slow(factor);
    sim.schedule(millis(rng.int(500, 8_000)), sim.label("test.unslow"), () => sim.node(a).disk.slow(1));
    return `slow disk on ${a} x${factor}`;
  }
  if (roll < 0.6) {
    const others = ens.names.filter((n) => n !== a);
    sim.network.partitionOneWay([a], others);
    return `cut ${a} -> ${others.join(",")}`;
  }
  const extraMicros = millis(rng.int(20, 3_000));
  sim.network.clog(a, b, extraMicros);
  sim.schedule(millis(rng.int(500, 8_000)), sim.label("test.unclog"), () => sim.network.unclog(a, b));
  return `clog ${a}-${b} by ${extraMicros}us`;
}

/** Splits members (and clients) into two random sides, or isolates one member. */
function partition(world: World, rng: Random): string {
  const { sim, ens } = world;
  const members = rng.shuffle(ens.names);
  if (rng.chance(0.4)) {
    sim.network.isolate(members[0]!);
    return `isolate ${members[0]}`;
  }
  const cut = rng.int(1, members.length - 1);
  const a: string[] = members.slice(0, cut);
  const b: string[] = members.slice(cut);
  for (const c of world.clients.keys()) {
    const side = rng.int(0, 2);
    if (side === 0) a.push(c);
    else if (side === 1) b.push(c);
  }
  sim.network.partition([a, b]);
  return `partition ${a.join(",")} | ${b.join(",")}`;
}

/**
 * A client's work: every 80-400 ms, if connected and not too far behind, one of: a persistent
 * create, an ephemeral create, a conditional delete of one of its own nodes (which keeps the
 * tree small), or a conditional increment of the shared counter at the version it last saw.
 * A client whose session expired starts a new one, as an application would.
 */
function workload(world: World, name: string, rng: Random, stop: { now: boolean }): (host: RecordingClientHost) => void {
  return (host) => {
    let i = 0;
    let inFlight = 0;
    let counterVersion = -1;
    let known = false;
    /** Nodes this client created and may delete: [path, session]. */
    const owned: [string, number][] = [];
    const tc = () => world.clients.get(name)!;
    const track = (): (() => void) => {
      inFlight++;
      return () => inFlight--;
    };
    const create = (path: string, ephemeral: boolean): void => {
      const done = track();
      tc().write([{ op: "create", path, data: path, ephemeral, sequential: false }], false, (w) => {
        done();
        if (w.results?.[0]?.ok) owned.push([path, w.session]);
      });
    };
    const removeOne = (): void => {
      const session = host.client.sessionId;
      const index = owned.findIndex(([, s]) => s === session || s === 0);
      if (index < 0) return;
      const [path] = owned.splice(index, 1)[0]!;
      tc().write([{ op: "delete", path, version: 0 }], false, track());
    };
    const counter = (n: number): void => {
      const done = track();
      if (!known) {
        host.client.getData("/counter", null, (r) => {
          done();
          if (r.ok) {
            counterVersion = r.node!.version;
            known = true;
          } else if (r.error === "NONODE") {
            tc().write([{ op: "create", path: "/counter", data: "0", ephemeral: false, sequential: false }], false, track());
          }
        });
        return;
      }
      tc().write([{ op: "setData", path: "/counter", data: `${name}:${n}`, version: counterVersion }], false, (w) => {
        done();
        const r = w.results?.[0];
        if (r?.ok) counterVersion = r.version;
        else known = false;
      });
    };
    const step = (): void => {
      const client = host.client;
      if (client.state === "expired") {
        host.renew();
        known = false;
        inFlight = 0;
        return;
      }
      if (client.state !== "connected" || inFlight >= 3) return;
      const roll = rng.next();
      const n = i++;
      if (roll < 0.25) create(`/${name}-p${n}`, false);
      else if (roll < 0.4) create(`/${name}-e${n}`, true);
      else if (roll < 0.6) removeOne();
      else counter(n);
    };
    const loop = (): void => {
      if (stop.now) return;
      step();
      host.ctx.setTimer(millis(rng.int(80, 400)), "test.workload", loop);
    };
    host.ctx.setTimer(millis(rng.int(100, 500)), "test.workload", loop);
  };
}

/** Everything that must hold at the end of a chaos run; empty when all is well. */
export function chaosProblems(run: ChaosRun): string[] {
  const { world } = run;
  const { ens, sim, history } = world;
  const problems: string[] = [];
  if (!run.settled) problems.push(`did not settle after the heal: ${describeMembers(world)}`);
  problems.push(...world.checker.violations);
  problems.push(...world.checker.checkPrefixes());
  problems.push(...answeredWritesCommitted(world));
  problems.push(...answersMatchReplay(world));
  problems.push(...conditionalSetDataProblems(history));
  problems.push(...linearizabilityViolations(history));
  problems.push(...finalStateProblems(world));
  // Every acknowledged write is in the final tree of every serving member.
  const deleteTried = new Set(history.writes.flatMap((w) => w.ops.filter((o) => o.op === "delete").map((o) => o.path)));
  for (const name of ens.serving()) {
    const tree = ens.member(name)!.tree;
    problems.push(...checkTree(tree).map((p) => `${name}: ${p}`));
    for (const w of history.acked()) {
      const op = w.ops[0]!;
      const node = tree.nodes.get(op.path);
      const missing = op.op === "create" && !node && !deleteTried.has(op.path);
      if (missing && !op.ephemeral) problems.push(`${name} lost acked create ${op.path}`);
      if (op.op === "delete" && node) problems.push(`${name} still has ${op.path}, whose delete was acknowledged`);
      if (missing && op.ephemeral && tree.sessions[String(w.session)] !== undefined) {
        problems.push(`${name} lost ephemeral ${op.path} of live session ${w.session}`);
      }
      if (op.op === "setData" && (!node || node.version < (w.results![0] as { version: number }).version)) {
        problems.push(`${name} lost acked setData of ${op.path} to version ${JSON.stringify(w.results![0])}`);
      }
    }
  }
  // All live members agree; the run made progress after the heal.
  const trees = ens.names.map((n) => JSON.stringify(ens.member(n)?.tree.lastZxid ?? null));
  if (new Set(trees).size !== 1) problems.push(`members disagree at the end: ${describeMembers(world)}`);
  if (!history.acked().some((w) => w.invokeMicros >= run.healedAtMicros)) problems.push("no write succeeded after the heal");
  if (sim.now <= run.healedAtMicros) problems.push("the run ended before the heal");
  return problems;
}

/** Runs one seed and judges it: the problems found, and a context naming the seed and its faults. */
export function chaosVerdict(seed: string, options: ChaosOptions = {}): { run: ChaosRun; problems: string[]; context: string } {
  const run = runChaos(seed, options);
  const problems = chaosProblems(run);
  const context = [
    `seed ${seed}: ${run.size} members, crashLoss ${run.crashLoss}; replay with runChaos("${seed}", ${JSON.stringify(options)})`,
    ...run.faults,
    ...problems,
  ].join("\n");
  return { run, problems, context };
}
