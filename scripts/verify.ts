/**
 * npm run verify -- --stack <name> | --all | --manifests <dir> [--kubernetes-version 1.35]
 * Renders each stack offline and runs the real validators on the output (scripts/verify/).
 * Exits non-zero on any failure. Needs `npm run tools` first (CI runs it).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, readRawConfig } from "../infra/config";
import { listStacks, readStackFile, repoRoot } from "../tests/harness/run";
import { renderStack } from "./lib/render";
import { formatTable, verifyRender } from "./verify/index";
import { missingCheckers } from "./verify/checkers";
import { missingTools } from "./verify/tools";
import { writeConstraintSchemas } from "./verify/constraint-schemas";
import { prepareKubernetesSchemas } from "./verify/k8s-schemas";
import { prepareUpstream } from "./verify/upstream";
import { networkIsolated, type ValidatorResult } from "./verify/validators";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", multiple: true },
      all: { type: "boolean" },
      manifests: { type: "string" },
      "kubernetes-version": { type: "string", default: "1.35" },
    },
  });
  const missing = [...missingTools(), ...missingCheckers()];
  if (missing.length > 0) {
    console.error(`verify needs the pinned validators (${missing.join(", ")}); run \`npm run tools\` first`);
    return 2;
  }
  prepareKubernetesSchemas();
  prepareUpstream((line) => console.log(line));
  writeConstraintSchemas();
  if (!networkIsolated())
    console.log("note: `unshare -n` is not available; validators run with the network reachable");

  const started = Date.now();
  const results: { title: string; rows: ValidatorResult[] }[] = [];
  if (values.manifests) {
    const renderDir = path.resolve(values.manifests);
    const rows = verifyRender({
      renderDir,
      kubernetesVersion: values["kubernetes-version"],
      includeSuites: false,
    });
    results.push({ title: `verify ${path.relative(repoRoot, renderDir)}`, rows });
  } else {
    const stacks = values.all ? listStacks() : (values.stack ?? []);
    if (stacks.length === 0) {
      console.error(
        `usage: npm run verify -- --stack <name> | --all | --manifests <dir>\nstacks: ${listStacks().join(", ")}`,
      );
      return 2;
    }
    for (const [index, stack] of stacks.entries()) {
      const renderDir = path.join(repoRoot, "out", stack);
      await renderStack(stack, renderDir);
      const { kubernetesVersion } = loadConfig(readRawConfig(readStackFile(stack).config), stack);
      const rows = verifyRender({ renderDir, kubernetesVersion, includeSuites: index === 0 });
      results.push({ title: `verify stack ${stack} (Kubernetes ${kubernetesVersion})`, rows });
    }
  }
  for (const { title, rows } of results) console.log(`\n${formatTable(title, rows)}`);
  const failures = results.flatMap((r) => r.rows).reduce((sum, row) => sum + row.failures.length, 0);
  console.log(
    `\nverify: ${failures === 0 ? "passed" : `${failures} failure(s)`} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`verify failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
