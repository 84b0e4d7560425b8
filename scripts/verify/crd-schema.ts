/**
 * Turns CustomResourceDefinitions into the strict JSON schemas kubeconform reads, one file per
 * kind and version: <group>/<kind>_<version>.json. Strict means an object that declares its
 * properties rejects any other (unless the CRD says x-kubernetes-preserve-unknown-fields), so a
 * misspelt field in a custom resource fails validation instead of being ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, unknown>;

interface Crd {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

export function crdDocuments(file: string): Crd[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((doc) => doc.toJS() as Crd | null)
    .filter((doc): doc is Crd => doc?.kind === "CustomResourceDefinition" && !!doc.spec);
}

export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strictSchema(v)]),
      );
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = strictSchema(value as Schema);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((v) => strictSchema(v as Schema));
    } else {
      out[key] = value;
    }
  }
  if (schema["x-kubernetes-int-or-string"] === true && schema["type"] === undefined) {
    out["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (schema["nullable"] === true && typeof schema["type"] === "string")
    out["type"] = [schema["type"], "null"];
  const closed = schema["properties"] && schema["additionalProperties"] === undefined;
  if (closed && schema["x-kubernetes-preserve-unknown-fields"] !== true) out["additionalProperties"] = false;
  return out;
}

/** Writes one schema per CRD version; returns the "group/Kind version" list written. */
export function writeCrdSchemas(files: readonly string[], outDir: string): string[] {
  const written: string[] = [];
  for (const file of files) {
    for (const crd of crdDocuments(file)) {
      const { group, names, versions } = crd.spec!;
      for (const version of versions) {
        const openApi = version.schema?.openAPIV3Schema;
        if (!openApi) continue;
        const schema = strictSchema(openApi);
        const properties = { ...((schema["properties"] as Schema | undefined) ?? {}) };
        properties["apiVersion"] = { type: "string", enum: [`${group}/${version.name}`] };
        properties["kind"] = { type: "string", enum: [names.kind] };
        properties["metadata"] ??= { type: "object" };
        const target = path.join(outDir, group, `${names.kind.toLowerCase()}_${version.name}.json`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, JSON.stringify({ ...schema, properties }, null, 1));
        written.push(`${group}/${names.kind} ${version.name}`);
      }
    }
  }
  return written;
}

/** CRD files below a path (a file, or every .yaml/.yml file of a folder). */
export function crdFiles(base: string): string[] {
  if (!fs.statSync(base).isDirectory()) return [base];
  return fs
    .readdirSync(base)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(base, f));
}
