/** The platform's own Falco rules (rules/zt-platform.yaml), loaded as data into the chart. */
import * as fs from "node:fs";
import * as path from "node:path";

export const falcoRulesFile = path.join(__dirname, "rules", "zt-platform.yaml");

export function falcoRules(): string {
  return fs.readFileSync(falcoRulesFile, "utf8");
}
