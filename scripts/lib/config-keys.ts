/**
 * Every key of the stack-config schema, read from the zod schema itself: its path, its type (via
 * zod's JSON Schema export) and the description and controls declared with `.meta()`. A key
 * without a description is an error that names the key, so a new key cannot reach the reference
 * undocumented.
 */
import { z } from "zod";
import { isControlId } from "../../controls/catalog";

export interface ConfigKey {
  /** Dotted path below `zt-blueprint:`; `[]` marks the elements of a list, e.g. tenants[].name. */
  readonly path: string;
  readonly segments: readonly (string | number)[];
  readonly type: string;
  readonly description: string;
  /** The key's own controls, or its nearest documented ancestor's. */
  readonly controls: readonly string[];
  /** Not optional in the schema (within its parent object). */
  readonly required: boolean;
  /** An object (or list of objects) whose keys are listed separately. */
  readonly container: boolean;
}

type Schema = z.core.$ZodType;
type Meta = { description?: unknown; controls?: unknown };
const wrappers = new Set(["optional", "default", "nullable", "readonly", "prefault", "nonoptional"]);

/** The schema under optional/default/... wrappers, and the metadata found on the way (outer wins). */
function unwrap(schema: Schema): { inner: Schema; optional: boolean; meta: Meta } {
  let inner = schema;
  let optional = false;
  let meta: Meta = {};
  for (;;) {
    meta = { ...((z.globalRegistry.get(inner) ?? {}) as Meta), ...meta };
    const def = inner._zod.def as { type: string; innerType?: Schema };
    if (!wrappers.has(def.type) || !def.innerType) break;
    optional ||= def.type === "optional" || def.type === "default";
    inner = def.innerType;
  }
  return { inner, optional, meta };
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, Schema>; element?: Schema };
  return def.type === "object" ? def.shape : undefined;
}

function elementShape(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def as { type: string; element?: Schema };
  return def.type === "array" && def.element ? shapeOf(unwrap(def.element).inner) : undefined;
}

export function configKeys(root: Schema): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const problems: string[] = [];
  const visit = (
    shape: Record<string, Schema>,
    prefix: string,
    segments: (string | number)[],
    inherited: readonly string[],
  ) => {
    for (const [name, schema] of Object.entries(shape)) {
      const path = prefix ? `${prefix}.${name}` : name;
      const { inner, optional, meta } = unwrap(schema);
      const description = typeof meta.description === "string" ? meta.description.trim() : "";
      if (!description) problems.push(`${path}: no description; add .meta({ description: "..." })`);
      const own = Array.isArray(meta.controls) ? meta.controls.map(String) : [];
      for (const id of own.filter((c) => !isControlId(c))) {
        problems.push(`${path}: names unknown control ${id} (controls/catalog.ts)`);
      }
      const controls = own.length > 0 ? own : inherited;
      const objectShape = shapeOf(inner);
      const listShape = elementShape(inner);
      keys.push({
        path,
        segments: [...segments, name],
        type: objectShape ? "object" : listShape ? "list of objects" : typeText(jsonSchema(inner)),
        description,
        controls,
        required: !optional,
        container: objectShape !== undefined || listShape !== undefined,
      });
      if (objectShape) visit(objectShape, path, [...segments, name], controls);
      if (listShape) visit(listShape, `${path}[]`, [...segments, name, 0], controls);
    }
  };
  const shape = shapeOf(unwrap(root).inner);
  if (!shape) throw new Error("the stack-config schema must be an object");
  visit(shape, "", [], []);
  if (problems.length > 0) {
    throw new Error(
      `config schema keys lack documentation (infra/config-schema.ts):\n  ${problems.join("\n  ")}`,
    );
  }
  return keys;
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
};

function jsonSchema(schema: Schema): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** A short human type: `a` | `b`, integer 1–24, list of URL, {name, keyless?}. */
export function typeText(js: JsonSchema): string {
  if (js.enum) return js.enum.map((v) => `\`${String(v)}\``).join(" | ");
  if (js.const !== undefined) return `\`${JSON.stringify(js.const).replace(/^"|"$/g, "")}\``;
  const options = js.anyOf ?? js.oneOf;
  if (options) return options.map(typeText).join(" | ");
  switch (js.type) {
    case "string":
      return js.format === "uri" ? "URL" : "string";
    case "integer":
    case "number": {
      const name = js.type === "integer" ? "integer" : "number";
      // zod's int() bounds every integer by the safe range; only a bound the schema chose is shown.
      const min = js.minimum === Number.MIN_SAFE_INTEGER ? undefined : js.minimum;
      const max = js.maximum === Number.MAX_SAFE_INTEGER ? undefined : js.maximum;
      if (min !== undefined && max !== undefined) return `${name} ${min}–${max}`;
      if (min !== undefined) return `${name} ≥ ${min}`;
      if (max !== undefined) return `${name} ≤ ${max}`;
      return name;
    }
    case "boolean":
      return "boolean";
    case "array": {
      const item = js.items ? typeText(js.items) : "anything";
      return `list of ${item.includes(" | ") ? `(${item})` : item}`;
    }
    case "object": {
      if (js.properties) {
        const fields = Object.entries(js.properties).map(([key, value]) => {
          if (value.const !== undefined)
            return `${key}: ${JSON.stringify(value.const).replace(/^"|"$/g, "")}`;
          return js.required?.includes(key) ? key : `${key}?`;
        });
        return `{${fields.join(", ")}}`;
      }
      const values =
        typeof js.additionalProperties === "object" ? typeText(js.additionalProperties) : "anything";
      return `map of name to ${values}`;
    }
    default:
      return "anything";
  }
}
