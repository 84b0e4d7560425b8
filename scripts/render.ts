/**
 * npm run render -- --stack <name> [--out <dir>] [--stacks-dir <dir>]   (or --all)
 * Renders stacks offline under mocks; see scripts/lib/render.ts.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../infra/config";
import { listStacks, repoRoot } from "../tests/harness/run";
import { renderStack } from "./lib/render";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      out: { type: "string" },
      all: { type: "boolean" },
      "stacks-dir": { type: "string" },
    },
  });
  const stacksDir = values["stacks-dir"] ? path.resolve(values["stacks-dir"]) : undefined;
  const stacks = values.all ? listStacks(stacksDir) : values.stack ? [values.stack] : [];
  if (stacks.length === 0) {
    console.error(
      `usage: npm run render -- --stack <name> [--out <dir>] | --all\nstacks: ${listStacks(stacksDir).join(", ")}`,
    );
    return 2;
  }
  if (values.out && stacks.length > 1) {
    console.error("--out takes one stack; with --all each stack renders to out/<stack>/");
    return 2;
  }
  let failed = 0;
  for (const stack of stacks) {
    const outDir = path.resolve(values.out ?? path.join(repoRoot, "out", stack));
    try {
      const result = await renderStack(stack, outDir, stacksDir ? { stacksDir } : {});
      console.log(
        `rendered ${stack}: ${result.resources} resources, ${result.manifests} Kubernetes objects -> ${path.relative(process.cwd(), outDir) || "."}`,
      );
    } catch (err) {
      failed++;
      // Config errors are written for people: print the message, never a stack trace.
      const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
      console.error(`render ${stack} failed: ${message}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
