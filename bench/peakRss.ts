/**
 * Preloaded into every measured child (`node --import …/peakRss.js`): on exit, writes
 * the process's peak resident set size (ru_maxrss, in bytes) to the file named by
 * ORDERLINE_BENCH_RSS_FILE. ru_maxrss counts all of the process's memory, DuckDB's
 * native allocations included, so orderline and the DuckDB baseline are measured alike.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.ORDERLINE_BENCH_RSS_FILE;
if (target) {
  // Measured children must not pass the variable on to processes they start themselves.
  delete process.env.ORDERLINE_BENCH_RSS_FILE;
  process.on('exit', () => {
    // maxRSS is in kibibytes on Linux and macOS.
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
