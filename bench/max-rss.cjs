// Preloaded (`node -r bench/max-rss.cjs ...`) into a process whose peak memory a benchmark
// reports: on exit it writes its maxRSS (bytes) to the file PODGRAPH_BENCH_MAX_RSS names.
const { writeFileSync } = require('node:fs');

const file = process.env.PODGRAPH_BENCH_MAX_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
