/**
 * The real-engine tools are pinned once, in components/versions.ts engineTools: each wrapper
 * module (engine/modules/<name>) must require exactly that module version, carry the go.sum that
 * pins its dependency graph, and import every command it builds, so `npm run engine:tools` builds
 * what the pin says and nothing else.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { engineTools, type EngineTool } from "../components/versions";
import { engineModulesDir } from "../scripts/engine/tools";

/** The version a go.mod requires a module at (in a require line or block). */
export function requiredVersion(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod)?.[1];
}

for (const [name, tool] of Object.entries(engineTools) as [string, EngineTool][]) {
  test(`engine tool ${name}: its wrapper requires ${tool.module} at the pinned ${tool.version} and builds each command`, () => {
    const dir = path.join(engineModulesDir, name);
    const goMod = fs.readFileSync(path.join(dir, "go.mod"), "utf8");
    assert.equal(requiredVersion(goMod, tool.module), tool.version);
    assert.ok(fs.statSync(path.join(dir, "go.sum")).size > 0, "go.sum pins the dependency graph");
    const tools = fs.readFileSync(path.join(dir, "tools.go"), "utf8");
    for (const pkg of Object.values(tool.commands)) assert.ok(tools.includes(`_ "${pkg}"`), pkg);
    if (tool.release !== true) assert.ok(tool.release.nearest.length > 20, "a nearest build says why");
  });
}

test("a wrapper pinned to another version than components/versions.ts is caught", () => {
  const goMod = "module x\n\nrequire k8s.io/kubernetes v1.35.3\n";
  assert.notEqual(requiredVersion(goMod, engineTools.kubernetes.module), engineTools.kubernetes.version);
});
