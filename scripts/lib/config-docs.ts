/**
 * Renders docs/configuration.md: the hand-written header (docs/templates/configuration-header.md),
 * then one table per top-level section with every key of the schema, its type, its default per
 * tier (from the real loader) and the controls it affects. Formatted with the repository's
 * Prettier settings, so the checked-in file passes `prettier --check` unchanged.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { stackConfigSchema } from "../../infra/config-schema";
import { repoRoot } from "../../tests/harness/run";
import { defaultsPerTier, tierOrder } from "./config-defaults";
import { configKeys, type ConfigKey } from "./config-keys";

export const configDocPath = path.join(repoRoot, "docs", "configuration.md");
const headerPath = path.join(repoRoot, "docs", "templates", "configuration-header.md");

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(keys: readonly ConfigKey[], prefix: string): string[] {
  const rows = keys.map((key) => {
    const defaults = key.container ? { dev: "", staging: "", prod: "" } : defaultsPerTier(key);
    return [
      `\`${key.path.slice(prefix.length)}\``,
      key.type,
      ...tierOrder.map((tier) => defaults[tier]),
      key.controls.join(", "),
      key.description,
    ].map(cell);
  });
  return [
    "| key | type | dev | staging | prod | controls | description |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

export async function renderConfigDocs(): Promise<string> {
  const keys = configKeys(stackConfigSchema);
  const topLevel = keys.filter((key) => key.segments.length === 1);
  const sections: string[] = [
    fs.readFileSync(headerPath, "utf8").trim(),
    "",
    "## Top level",
    "",
    ...table(
      topLevel.filter((key) => !key.container),
      "",
    ),
  ];
  for (const section of topLevel.filter((key) => key.container)) {
    const prefix = section.type === "list of objects" ? `${section.path}[].` : `${section.path}.`;
    sections.push(
      "",
      `## \`${prefix.slice(0, -1)}\``,
      "",
      section.description + (section.controls.length > 0 ? ` (${section.controls.join(", ")})` : ""),
      "",
      ...table(
        keys.filter((key) => key.path.startsWith(prefix)),
        prefix,
      ),
    );
  }
  const options = (await prettier.resolveConfig(configDocPath)) ?? {};
  return prettier.format(`${sections.join("\n")}\n`, { ...options, parser: "markdown" });
}
