/**
 * CPU steal: the time the hypervisor gave this virtual machine's CPUs to
 * someone else, read from the `cpu` line of `/proc/stat`. A measurement
 * taken while steal was high says more about the neighbours than about the
 * code, so the runner repeats it (see `STEAL_LIMIT`).
 */
import { readFileSync } from "node:fs";

/** A measurement with more steal than this (in %) is repeated, at most `STEAL_RETRIES` more times. */
export const STEAL_LIMIT = 3;

/** How many times a measurement over `STEAL_LIMIT` is repeated. */
export const STEAL_RETRIES = 2;

/** The machine's CPU time so far, in clock ticks, summed over all CPUs. */
export interface CpuTimes {
  steal: number;
  total: number;
}

/**
 * The `cpu` line of `/proc/stat`, or `undefined` where there is none (not
 * Linux): then steal is reported as unknown.
 */
export function readCpuTimes(): CpuTimes | undefined {
  let line: string | undefined;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith("cpu "));
  } catch {
    return undefined;
  }
  if (line === undefined) return undefined;
  // user nice system idle iowait irq softirq steal guest guest_nice: guest
  // time is already counted in user and nice, so the total stops at steal.
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { steal: fields[7] ?? 0, total: fields.reduce((sum, n) => sum + n, 0) };
}

/** The share of CPU time stolen between two readings, in % (NaN when unknown). */
export function stealPercent(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (before === undefined || after === undefined || after.total <= before.total) return NaN;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}
