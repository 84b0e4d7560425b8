/**
 * The real engine refuses a stack that misses a required project-level key before the program
 * runs; mocks never see that, so this applies the engine's rule (tests/checks/project-config.ts)
 * to Pulumi.yaml and every shipped stack file.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { missingProjectConfig, type ProjectConfigDeclaration } from "./checks/project-config";
import { listStacks, projectName, readStackFile, repoRoot } from "./harness/run";

type Declared = Record<string, ProjectConfigDeclaration>;

const project = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as {
  name: string;
  config?: Declared;
};
const stacks = Object.fromEntries(listStacks().map((stack) => [stack, readStackFile(stack).config]));

test("every shipped stack sets every project config key the engine requires", () => {
  assert.equal(project.name, projectName);
  assert.deepEqual(missingProjectConfig(project.name, project.config ?? {}, stacks), []);
});

test("the engine check fails every existing-cluster stack when Pulumi.yaml declares region with no default", () => {
  const withRegion: Declared = { ...project.config, region: { type: "string" } };
  const regionless = Object.keys(stacks).filter(
    (stack) => stacks[stack]?.["zt-blueprint:cloud"] === "existing",
  );
  assert.ok(regionless.includes("local"));
  assert.deepEqual(
    missingProjectConfig(project.name, withRegion, stacks),
    regionless.map((stack) => `Stack '${stack}' is missing configuration value 'region'`).sort(),
  );
});

test("a declared key with a default is never required", () => {
  const withDefault: Declared = { ...project.config, region: { type: "string", default: "eu-west-1" } };
  assert.deepEqual(missingProjectConfig(project.name, withDefault, stacks), []);
});
