/**
 * Gatekeeper generates a CRD for each ConstraintTemplate at run time, so no upstream schema exists
 * for our constraint kinds. This writes the schema Gatekeeper would generate (match, enforcement
 * action, and the template's own parameters, strict) so kubeconform can validate every
 * constraint we render: a misspelt parameter or enforcement action fails verification.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { templateSpecs } from "../../components/admission/templates";
import { strictSchema } from "./crd-schema";
import { crdSchemasDir } from "./upstream";

const stringList = { type: "array", items: { type: "string" } };
const selector = { type: "object" };

const matchSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    kinds: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: { apiGroups: stringList, kinds: stringList },
      },
    },
    namespaces: stringList,
    excludedNamespaces: stringList,
    labelSelector: selector,
    namespaceSelector: selector,
    scope: { type: "string", enum: ["*", "Cluster", "Namespaced"] },
    name: { type: "string" },
    source: { type: "string", enum: ["All", "Generated", "Original"] },
  },
};

export function writeConstraintSchemas(outDir = crdSchemasDir): string[] {
  const written: string[] = [];
  for (const spec of templateSpecs) {
    for (const version of ["v1beta1", "v1"]) {
      const schema = {
        type: "object",
        required: ["apiVersion", "kind", "metadata", "spec"],
        additionalProperties: false,
        properties: {
          apiVersion: { type: "string", enum: [`constraints.gatekeeper.sh/${version}`] },
          kind: { type: "string", enum: [spec.kind] },
          metadata: { type: "object" },
          spec: {
            type: "object",
            additionalProperties: false,
            properties: {
              enforcementAction: { type: "string", enum: ["deny", "dryrun", "warn"] },
              match: matchSchema,
              ...(spec.parameters ? { parameters: strictSchema(spec.parameters) } : {}),
            },
          },
        },
      };
      const target = path.join(
        outDir,
        "constraints.gatekeeper.sh",
        `${spec.kind.toLowerCase()}_${version}.json`,
      );
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, JSON.stringify(schema, null, 1));
      written.push(`constraints.gatekeeper.sh/${spec.kind} ${version}`);
    }
  }
  return written;
}
