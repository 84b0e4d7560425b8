/**
 * npm run bench [-- --stack aws-prod] [--sizes 10,100,1000]
 *
 * Scale benchmark: renders a shipped stack with its tenants replaced by N generated ones
 * (scripts/lib/bench-tenants.ts), each size in a fresh child process with a 2 GiB heap, so the
 * peak memory reported is that process's own maximum RSS and nothing warms up between sizes.
 * Prints resources registered, render wall time and peak RSS per size, and time(largest) /
 * time(previous). Fails when that ratio exceeds 12 (a 10x size step must stay near-linear) or the
 * largest render needs more than 2 GiB. A benchmark, not a timed test: figures go into
 * docs/performance.md by hand, with the machine they were taken on.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeBenchStack } from "./lib/bench-tenants";
import { renderStack } from "./lib/render";

const maxRatio = 12;
const memoryLimitMiB = 2048;

interface Measurement {
  readonly tenants: number;
  readonly resources: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Child mode: one render, then one JSON line on stdout. */
async function measure(stack: string, tenants: number): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "zt-bench-"));
  try {
    const stacksDir = writeBenchStack(stack, tenants, path.join(workDir, "stacks"));
    const started = process.hrtime.bigint();
    const result = await renderStack(stack, path.join(workDir, "out"), { stacksDir });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // maxRSS is in KiB: the high-water mark of this process, render and all.
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const measurement: Measurement = { tenants, resources: result.resources, seconds, peakRssMiB };
    console.log(JSON.stringify(measurement));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function runChild(stack: string, tenants: number): Measurement {
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${memoryLimitMiB}`,
      "--import",
      "tsx",
      __filename,
      "--child",
      "--stack",
      stack,
      "--sizes",
      String(tenants),
    ],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const line = child.stdout.trim().split("\n").pop() ?? "";
  if (child.status !== 0 || !line.startsWith("{")) {
    throw new Error(
      `the ${tenants}-tenant render failed (exit ${child.status ?? child.signal}):\n${child.stderr.trim()}`,
    );
  }
  return JSON.parse(line) as Measurement;
}

function table(rows: readonly Measurement[]): string {
  const lines = [
    "| tenants | resources | wall time (s) | peak RSS (MiB) |",
    "| ------: | --------: | ------------: | -------------: |",
    ...rows.map(
      (r) => `| ${r.tenants} | ${r.resources} | ${r.seconds.toFixed(2)} | ${Math.round(r.peakRssMiB)} |`,
    ),
  ];
  return lines.join("\n");
}

function machine(): string {
  const memGiB = Math.round(os.totalmem() / 1024 ** 3);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown"}), ${memGiB} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${load}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "aws-prod" },
      sizes: { type: "string", default: "10,100,1000" },
      child: { type: "boolean", default: false },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`--sizes takes positive integers, e.g. 10,100,1000; got "${values.sizes}"`);
    return 2;
  }
  if (values.child) {
    await measure(values.stack, sizes[0] ?? 1);
    return 0;
  }

  console.log(`stack ${values.stack}; ${machine()}`);
  const rows: Measurement[] = [];
  for (const tenants of sizes) {
    rows.push(runChild(values.stack, tenants));
    console.error(`  ${tenants} tenants: ${rows.at(-1)?.seconds.toFixed(2)} s`);
  }
  console.log(table(rows));

  const problems: string[] = [];
  const [previous, largest] = rows.slice(-2);
  if (previous && largest && rows.length > 1) {
    const ratio = largest.seconds / previous.seconds;
    console.log(
      `time(${largest.tenants}) / time(${previous.tenants}) = ${ratio.toFixed(2)} (limit ${maxRatio}); ` +
        `resources ratio ${(largest.resources / previous.resources).toFixed(2)}`,
    );
    if (ratio > maxRatio)
      problems.push(`render time grows super-linearly: ratio ${ratio.toFixed(2)} > ${maxRatio}`);
  }
  if (largest && largest.peakRssMiB > memoryLimitMiB) {
    problems.push(
      `the ${largest.tenants}-tenant render peaked at ${Math.round(largest.peakRssMiB)} MiB > ${memoryLimitMiB} MiB`,
    );
  }
  for (const problem of problems) console.error(`FAIL: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
