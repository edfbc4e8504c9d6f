/** CPU time of one process from /proc/<pid>/stat (utime + stime), in milliseconds; undefined once it has ended. */
import { readFileSync } from "node:fs";

/** USER_HZ: /proc counts CPU time in these ticks (100 on every mainstream Linux build; `getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name, which may itself hold spaces: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
