/**
 * Generated tenants for the scale benchmark (npm run bench). Shaped like real ones: each admits
 * its two previous neighbours as peers (so every tenant is both callee and caller), reaches its
 * own partner API and, every fifth, one shared status host (so hosts repeat across tenants), and
 * every tenth has a public ingress route. Quotas sit at the schema's floor so that any number of
 * tenants stays a valid stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { defaultInstanceType, instanceSizes } from "../../infra/capacity";
import { readStackFile, stacksDir } from "../../tests/harness/run";

export interface GeneratedTenant {
  readonly name: string;
  readonly idpGroup: string;
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  readonly allowedPeers: readonly string[];
  readonly egressHosts: readonly string[];
  readonly ingress?: { host: string; service: string; port: number; endUserAuth: boolean };
}

const tenantName = (index: number) => `team-${String(index).padStart(4, "0")}`;

/** `endUserAuth` needs identity.oidcIssuerUrl; a base stack without one gets unauthenticated routes. */
export function generateTenants(count: number, endUserAuth: boolean): GeneratedTenant[] {
  return Array.from({ length: count }, (_, i) => {
    const name = tenantName(i);
    return {
      name,
      idpGroup: `group-${name}`,
      quota: { cpu: "500m", memory: "512Mi", pods: 5 },
      allowedPeers: [i - 1, i - 2].filter((peer) => peer >= 0).map(tenantName),
      egressHosts: [`api-${name}.partner.example.com`, ...(i % 5 === 0 ? ["status.example.com"] : [])],
      ...(i % 10 === 0
        ? { ingress: { host: `${name}.bench.example.com`, service: "web", port: 8080, endUserAuth } }
        : {}),
    };
  });
}

/**
 * Writes stacks/Pulumi.<stack>.yaml with its tenants replaced by `count` generated ones into
 * `dir`, and returns that folder (for renderStack's stacksDir).
 */
export function writeBenchStack(stack: string, count: number, dir: string): string {
  const source = path.join(stacksDir, `Pulumi.${stack}.yaml`);
  readStackFile(stack); // fails with the list of stacks when the name is wrong
  const doc = parseYaml(fs.readFileSync(source, "utf8")) as { config: Record<string, unknown> };
  const identity = doc.config["zt-blueprint:identity"] as { oidcIssuerUrl?: string } | undefined;
  const addons = doc.config["zt-blueprint:addons"] as
    { identityProvider?: { hostname?: string } } | undefined;
  const cloud = doc.config["zt-blueprint:cloud"] as "aws" | "azure" | "existing";
  const tenants = generateTenants(
    count,
    identity?.oidcIssuerUrl !== undefined || !!addons?.identityProvider?.hostname,
  );
  // AKS binds tenants by Entra group object ID; generate a distinct, well-formed one per tenant.
  doc.config["zt-blueprint:tenants"] =
    cloud === "azure"
      ? tenants.map((tenant, i) => ({
          ...tenant,
          entraGroupObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        }))
      : tenants;
  // Config refuses quotas above the node pool's capacity: size the pool for the generated tenants.
  if (cloud !== "existing") {
    const nodes = (doc.config["zt-blueprint:nodes"] ?? {}) as { instanceType?: string; maxSize?: number };
    const perNode = instanceSizes[nodes.instanceType ?? defaultInstanceType[cloud]]?.cpu ?? 2000;
    const needed = Math.ceil((count * 500) / perNode);
    doc.config["zt-blueprint:nodes"] = {
      ...nodes,
      maxSize: Math.min(1000, Math.max(nodes.maxSize ?? 0, needed)),
    };
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify(doc));
  return dir;
}
