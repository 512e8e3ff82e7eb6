import type { ReportTimeline } from "../ReportSchema.ts";
import { markerShapes, type TimeMarkers } from "./charts.ts";
import { BROKER_COLORS, COLORS, esc, n, patternDefs, PLOT, type TimeAxis } from "./svg.ts";

const LANE = 18;
const GAP = 4;
const HEADER = 20;

interface Segment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly fill: string;
  readonly label: string;
  readonly title: string;
  readonly cls?: string;
}

/** A lane: a name at the left and segments over time. */
interface LaneRow {
  readonly name: string;
  readonly segments: readonly Segment[];
  /** Drawn over the lower half of the lane (network and disk faults on a node). */
  readonly overlays?: readonly Segment[];
}

interface Section {
  readonly title: string;
  readonly lanes: readonly LaneRow[];
}

const brokerColor = (id: number) => BROKER_COLORS[(id - 1) % BROKER_COLORS.length]!;
const brokerIdOf = (node: string) => Number(node.replace(/^\D+/, "")) || 1;

/**
 * The cluster's timeline: a lane per broker and ensemble member (up, down, paused; network
 * and disk faults hatched), the controller and the ensemble's leader, a lane per partition
 * (its leader in that broker's colour, paler while the ISR is short, hatched while offline)
 * and per consumer group (generations; amber while rebalancing).
 */
export function timelineSvg(t: ReportTimeline, axis: TimeAxis, markers: TimeMarkers): string {
  const sections = timelineSections(t);
  // Room above the lanes for the fault numbers.
  const top = 40;
  let y = top + 4;
  const parts: string[] = [patternDefs()];
  for (const section of sections) {
    parts.push(`<text class="section" x="4" y="${n(y + 13)}">${esc(section.title)}</text>`);
    y += HEADER;
    for (const lane of section.lanes) {
      parts.push(laneShapes(lane, y, axis));
      y += LANE + GAP;
    }
    y += 4;
  }
  const bottom = y;
  parts.push(markerShapes(markers, axis, top, bottom));
  parts.push(axis.grid(bottom, bottom));
  const height = bottom + 24;
  return `<svg class="timeline" viewBox="0 0 ${PLOT.width} ${n(height)}" role="img" aria-label="cluster timeline">${parts.join("")}</svg>`;
}

function laneShapes(lane: LaneRow, y: number, axis: TimeAxis): string {
  const parts = [`<text class="lane-name" x="${PLOT.left - 8}" y="${n(y + 13)}" text-anchor="end">${esc(lane.name)}</text>`];
  parts.push(`<rect class="lane-bg" x="${axis.x0}" y="${n(y)}" width="${n(axis.x1 - axis.x0)}" height="${LANE}"/>`);
  for (const s of lane.segments) parts.push(segmentShape(s, y, LANE, axis, true));
  for (const s of lane.overlays ?? []) parts.push(segmentShape(s, y + LANE / 2, LANE / 2, axis, false));
  return `<g class="lane">${parts.join("")}</g>`;
}

function segmentShape(s: Segment, y: number, height: number, axis: TimeAxis, withLabel: boolean): string {
  const x = axis.x(s.fromMs);
  const width = Math.max(1, axis.x(s.toMs) - x);
  const label = withLabel && s.label !== "" && width > s.label.length * 5.6 + 6 ? `<text class="seg-label" x="${n(x + 4)}" y="${n(y + 13)}">${esc(s.label)}</text>` : "";
  return `<g${s.cls ? ` class="${s.cls}"` : ""}><title>${esc(s.title)}</title><rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="${s.fill}"/>${label}</g>`;
}

const when = (s: { fromMs: number; toMs: number }) => `${Math.round(s.fromMs) / 1000}s to ${Math.round(s.toMs) / 1000}s`;

function timelineSections(t: ReportTimeline): Section[] {
  const sections: Section[] = [];
  const nodeLanes = (role: string) =>
    t.nodes
      .filter((node) => node.role === role)
      .map((node) => ({
        name: node.node,
        segments: node.spans.map((s) => ({ ...s, fill: COLORS[s.state], label: s.state === "up" ? "" : s.state, title: `${node.node} ${s.detail || s.state}, ${when(s)}`, cls: `state-${s.state}` })),
        overlays: node.marks.map((m) => ({ ...m, fill: "url(#hatch-net)", label: m.mark, title: `${node.node} ${m.mark}: ${m.detail}, ${when(m)}`, cls: "mark" })),
      }));
  const leaders: LaneRow[] = [
    {
      name: "controller",
      segments: t.controller.map((s) => ({
        ...s,
        fill: s.broker === null ? COLORS.off : brokerColor(brokerIdOf(s.broker)),
        label: s.broker === null ? "none" : `${s.broker} (epoch ${s.epoch})`,
        title: `controller: ${s.broker ?? "none"}, ${when(s)}`,
      })),
    },
    {
      name: "ensemble leader",
      segments: t.ensembleLeader.map((s) => ({
        ...s,
        fill: s.leader === null ? "url(#hatch-offline)" : "#c6dbef",
        label: s.leader === null ? "no leader" : `${s.leader} (epoch ${s.epoch})`,
        title: `ensemble leader: ${s.leader ?? "none (election)"}, ${when(s)}`,
      })),
    },
  ];
  sections.push({ title: "Brokers, ensemble and clients: up, down (red), paused (amber); network or disk faults hatched", lanes: [...nodeLanes("broker"), ...nodeLanes("ensemble"), ...nodeLanes("client"), ...leaders] });
  if (t.partitions.length > 0) {
    const notUp = new Map(t.nodes.filter((node) => node.role === "broker").map((node) => [brokerIdOf(node.node), node.spans.filter((s) => s.state !== "up")]));
    sections.push({
      title: "Partitions: the leader (broker colour; pale while the ISR is short, grey hatch while offline, red hatch while its leader is down)",
      lanes: t.partitions.map((p) => ({
        name: `${p.topic}-${p.partition}`,
        // Until the controller notices, a partition keeps a leader that is down or paused: nobody can write to it.
        overlays: p.spans.flatMap((s) =>
          (s.leader === null ? [] : (notUp.get(s.leader) ?? []))
            .map((d) => ({ fromMs: Math.max(s.fromMs, d.fromMs), toMs: Math.min(s.toMs, d.toMs), state: d.state }))
            .filter((o) => o.toMs > o.fromMs)
            .map((o) => ({ ...o, fill: "url(#hatch-down)", label: "", title: `${p.topic}-${p.partition}: its leader, broker ${s.leader}, is ${o.state}; ${when(o)}`, cls: "leader-down" })),
        ),
        segments: p.spans.map((s) => {
          const short = s.isr.length < p.replicas;
          const who = s.leader === null ? "offline" : `b${s.leader}`;
          return {
            ...s,
            fill: s.leader === null ? "url(#hatch-offline)" : brokerColor(s.leader),
            label: `${who} e${s.epoch} ISR ${s.isr.join(",")}${s.unclean ? " unclean" : ""}`,
            title: `${p.topic}-${p.partition}: ${s.leader === null ? "no leader" : `leader broker ${s.leader}`}, epoch ${s.epoch}, ISR [${s.isr.join(", ")}] of ${p.replicas} replicas${s.unclean ? ", elected unclean" : ""}, ${when(s)}`,
            cls: `${short ? "short-isr" : "full-isr"}${s.unclean ? " unclean" : ""}`,
          };
        }),
      })),
    });
  }
  if (t.groups.length > 0) {
    sections.push({
      title: "Consumer groups: generations (amber while rebalancing)",
      lanes: t.groups.map((g) => ({
        name: g.group,
        segments: g.spans.map((s) => ({
          ...s,
          fill: s.state === "rebalancing" ? COLORS.paused : s.state === "stable" ? "#9ecae1" : COLORS.off,
          label: s.state === "empty" ? "empty" : `gen ${s.generation}, ${s.members} members${s.state === "rebalancing" ? " (rebalancing)" : ""}`,
          title: `${g.group}: ${s.state}, generation ${s.generation}, ${s.members} members, ${when(s)}`,
        })),
      })),
    });
  }
  return sections;
}
