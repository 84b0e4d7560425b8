/**
 * Runs a component, or the whole program for a named stack, under Pulumi mocks and returns the
 * captured resource graph. One helper for every test and for the offline render.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { parse as parseYaml } from "yaml";
import { loadConfig, readRawConfig, type PlatformConfig } from "../../infra/config";
import { mirrorDigestMarker } from "../../infra/image-reference";
import { ResourceGraph } from "./graph";
import { mocks as defaultMocks } from "./mocks";
import { RecordingMonitor } from "./monitor";

export const projectName = "zt-blueprint";
export const repoRoot = path.resolve(__dirname, "..", "..");
export const stacksDir = path.join(repoRoot, "stacks");

/** Placeholder for `secure:` values, which cannot be decrypted offline. Never a real secret. */
export const encryptedPlaceholder = "offline-render-placeholder";

/**
 * What the offline render puts where an example stack says REPLACE-WITH-YOUR-MIRROR-DIGEST: a
 * digest of this sentence, which no registry serves. `pulumi up` gets the marker itself and
 * refuses it (infra/image-reference.ts); only the mocked runs here substitute.
 */
export const standInMirrorDigest = createHash("sha256")
  .update("zt-blueprint offline render: stand-in for your mirror's digest")
  .digest("hex");

export interface CaptureOptions {
  readonly stack?: string;
  /** Flat Pulumi config: {"zt-blueprint:tier": "dev", "zt-blueprint:tenants": "[...]"}. */
  readonly config?: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  readonly mocks?: pulumi.runtime.Mocks;
  /** Stack transformations to install before the program runs (e.g. to switch a control off). */
  readonly transformations?: readonly pulumi.ResourceTransformation[];
}

export interface Capture {
  readonly graph: ResourceGraph;
  readonly outputs?: Record<string, unknown>;
  /** The error the program ended with, if any (e.g. a ConfigError). */
  readonly error?: Error;
}

/** Runs `program` as the body of a mocked Pulumi stack and captures everything it registers. */
export async function capture(program: () => unknown, options: CaptureOptions = {}): Promise<Capture> {
  const monitor = new RecordingMonitor(options.mocks ?? defaultMocks);
  pulumi.runtime.setMockOptions(monitor, projectName, options.stack ?? "test", false);
  enableMockFeatures();
  pulumi.runtime.setAllConfig({ ...(options.config ?? {}) }, [...(options.secretKeys ?? [])]);

  let outputs: Record<string, unknown> | undefined;
  let error: Error | undefined;
  // Pulumi records a stack trace for every promise it tracks and every resource it registers;
  // with source maps on (tsx) that formatting was about half of a 1,000-tenant render's CPU and a
  // fifth of its heap. Mocks ignore source positions and the traces only feed a leak report the
  // harness never prints, so they are switched off while the program runs (docs/performance.md).
  const stackTraceLimit = Error.stackTraceLimit;
  const sourceMaps = process.sourceMapsEnabled;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  try {
    outputs = await pulumi.runtime.runInPulumiStack(async () => {
      for (const transformation of options.transformations ?? []) {
        pulumi.runtime.registerStackTransformation(transformation);
      }
      // The program's own error is caught inside the stack: `pulumi up` reports it the same way,
      // and the root stack's output promises then never reject unobserved.
      try {
        return (await program()) as Record<string, unknown> | undefined;
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err));
        return undefined;
      }
    });
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
  }
  // Wait for every registration to reach the monitor (the mock monitor has nothing to close).
  await pulumi.runtime.disconnect();
  Error.stackTraceLimit = stackTraceLimit;
  process.setSourceMapsEnabled(sourceMaps);
  const resources = [...monitor.records].sort((a, b) => a.urn.localeCompare(b.urn));
  return {
    graph: new ResourceGraph(resources),
    ...(outputs ? { outputs } : {}),
    ...(error ? { error } : {}),
  };
}

/** What `setMocks` enables, for a monitor we install ourselves. */
function enableMockFeatures(): void {
  // getStore is not in the SDK's typings; the flags are the ones setMocks sets in this pinned SDK.
  const store = (runtimeState as unknown as { getStore(): Record<string, boolean> }).getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
}

export interface StackFile {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * Reads stacks/Pulumi.<stack>.yaml into Pulumi's flat config form. Unless `keepMarkers`, the
 * examples' mirror-digest marker becomes standInMirrorDigest, so prod stacks render offline.
 */
export function readStackFile(stack: string, dir = stacksDir, keepMarkers = false): StackFile {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = listStacks(dir).join(", ") || "none";
    throw new Error(`no stack file ${path.relative(repoRoot, file)}; stacks in ${dir}: ${known}`);
  }
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (isSecure(value)) {
      config[key] = encryptedPlaceholder;
      secretKeys.push(key);
    } else {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      config[key] = keepMarkers ? text : text.replaceAll(mirrorDigestMarker, standInMirrorDigest);
    }
  }
  return { config, secretKeys };
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).join() === "secure";
}

/** A shipped stack's config as the program sees it: validated, with tier defaults resolved. */
export function resolvedStackConfig(stack: string): PlatformConfig {
  return loadConfig(readRawConfig(readStackFile(stack).config), stack);
}

export function listStacks(dir = stacksDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => !!name)
    .sort();
}

/** Runs the real program (infra/program.ts) for a stack file under mocks. */
export async function captureStack(
  stack: string,
  options: Omit<CaptureOptions, "stack" | "config" | "secretKeys"> & {
    readonly overrides?: Record<string, string>;
    readonly stacksDir?: string;
  } = {},
): Promise<Capture> {
  const file = readStackFile(stack, options.stacksDir);
  const { runProgram } = await import("../../infra/program");
  return capture(runProgram, {
    ...options,
    stack,
    config: { ...file.config, ...(options.overrides ?? {}) },
    secretKeys: file.secretKeys,
  });
}

/** Captures a stack that must run without error, and returns its graph (the error fails the test). */
export async function stackGraph(
  stack: string,
  options: Parameters<typeof captureStack>[1] = {},
): Promise<ResourceGraph> {
  const { graph, error } = await captureStack(stack, options);
  if (error) throw error;
  return graph;
}
