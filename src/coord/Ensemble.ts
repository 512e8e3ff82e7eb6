import type { DiskOptions, Simulation } from "../../sim/index.ts";
import { ensembleConfig, type EnsembleConfig } from "./config.ts";
import { EnsembleMember } from "./EnsembleMember.ts";
import type { EnsembleObserver } from "./observer.ts";

export interface EnsembleSetup {
  /** 1, 3 or 5 members (any odd size works; even sizes are allowed and tolerate no more failures). */
  readonly size: number;
  /** Member names are `${namePrefix}-1` ... (default "zk"). */
  readonly namePrefix?: string;
  readonly config?: Partial<EnsembleConfig>;
  readonly disk?: Partial<DiskOptions>;
  readonly observer?: EnsembleObserver;
}

/** A handle on the ensemble's members in a simulation, for faults, checks and demos. */
export class Ensemble {
  constructor(
    private readonly sim: Simulation,
    readonly config: EnsembleConfig,
  ) {}

  get names(): readonly string[] {
    return this.config.members;
  }

  /** The running member process on `name`, or null while that node is down. */
  member(name: string): EnsembleMember | null {
    return (this.sim.node(name).process as EnsembleMember | null) ?? null;
  }

  /** The member that leads and serves, if exactly one does (null during elections). */
  leader(): string | null {
    const leaders = this.names.filter((n) => {
      const m = this.member(n);
      return m !== null && m.state === "leading" && m.serving;
    });
    return leaders.length === 1 ? leaders[0]! : null;
  }

  /** Members that are up and serving clients. */
  serving(): string[] {
    return this.names.filter((n) => this.member(n)?.serving ?? false);
  }
}

/** Adds the ensemble's members to a simulation as nodes `zk-1`, `zk-2`, ... */
export function addEnsemble(sim: Simulation, setup: EnsembleSetup): Ensemble {
  const prefix = setup.namePrefix ?? "zk";
  const names = Array.from({ length: setup.size }, (_, i) => `${prefix}-${i + 1}`);
  const config = ensembleConfig(names, setup.config);
  for (const name of names) {
    sim.addNode(name, (ctx) => new EnsembleMember(ctx, config, setup.observer), { disk: setup.disk ?? {} });
  }
  return new Ensemble(sim, config);
}
