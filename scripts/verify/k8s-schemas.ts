/**
 * kubernetes-validate ships the Kubernetes JSON schemas with every definition in one shared
 * `_definitions.json`, referenced by the absolute path "/api/_definitions.json", which only its
 * own resolver understands. kubeconform needs self-contained files, so each kind's schema is
 * written with exactly the definitions it reaches, its refs rewritten to "#/$defs/<name>".
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pythonTools, supportedKubernetesVersions } from "../../components/versions";
import { schemasDir } from "./paths";
import { kubernetesSchemasDir } from "./tools";

export const kubernetesSchemaRoot = path.join(schemasDir, "kubernetes");

type Json = unknown;

function withLocalRefs(value: Json, needed: Set<string>): Json {
  if (Array.isArray(value)) return value.map((v) => withLocalRefs(v, needed));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, Json>).map(([key, item]) => {
      if (key === "$ref" && typeof item === "string" && item.includes("#/$defs/")) {
        const name = item.split("#/$defs/")[1] as string;
        needed.add(name);
        return [key, `#/$defs/${name}`];
      }
      return [key, withLocalRefs(item, needed)];
    }),
  );
}

export function standaloneSchema(schema: Json, definitions: Record<string, Json>): Record<string, Json> {
  const needed = new Set<string>();
  const top = withLocalRefs(schema, needed) as Record<string, Json>;
  const $defs: Record<string, Json> = {};
  const pending = [...needed];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in $defs) continue;
    if (!(name in definitions)) throw new Error(`schema refers to unknown definition ${name}`);
    const found = new Set<string>();
    $defs[name] = withLocalRefs(definitions[name], found);
    pending.push(...[...found].filter((n) => !(n in $defs)));
  }
  return { ...top, $defs };
}

/** Writes <root>/v<version>.0-strict/<kind>-<group>-<version>.json for every supported version. */
export function prepareKubernetesSchemas(): void {
  const stamp = path.join(kubernetesSchemaRoot, "stamp.json");
  const pins = JSON.stringify({
    versions: supportedKubernetesVersions,
    source: pythonTools["kubernetes-validate"],
  });
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === pins) return;
  fs.rmSync(kubernetesSchemaRoot, { recursive: true, force: true });
  for (const version of supportedKubernetesVersions) {
    const source = path.join(kubernetesSchemasDir(), `v${version}.0-local-strict`);
    if (!fs.existsSync(source)) {
      throw new Error(
        `kubernetes-validate ${pythonTools["kubernetes-validate"]} has no schemas for Kubernetes ${version}; pin a newer one`,
      );
    }
    const definitions = (
      JSON.parse(fs.readFileSync(path.join(source, "_definitions.json"), "utf8")) as {
        $defs: Record<string, Json>;
      }
    ).$defs;
    const target = path.join(kubernetesSchemaRoot, `v${version}.0-strict`);
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(source)) {
      if (file.startsWith("_") || file === "all.json") continue;
      const schema = JSON.parse(fs.readFileSync(path.join(source, file), "utf8")) as Json;
      fs.writeFileSync(path.join(target, file), JSON.stringify(standaloneSchema(schema, definitions)));
    }
  }
  fs.writeFileSync(stamp, pins);
}
