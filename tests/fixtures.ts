/** Shared fixtures: a small platform on an existing cluster, captured under mocks. */
import type * as pulumi from "@pulumi/pulumi";
import { ExistingCluster } from "../components/existing-cluster";
import { ZeroTrustPlatform, type TenantSpec } from "../components/platform";
import { capture, type Capture } from "./harness/run";

export const groupsPrefix = "oidc:";

export const exampleTenants: readonly TenantSpec[] = [
  { name: "shop", idpGroup: "team-shop", quota: { cpu: "2", memory: "4Gi", pods: 20 }, allowedPeers: [] },
  {
    name: "billing",
    idpGroup: "team-billing",
    quota: { cpu: "1", memory: "2Gi", pods: 10 },
    allowedPeers: ["shop"],
  },
];

/** Inbound peers per namespace as declared, plus derived outbound peers: the flows a check may allow. */
export function declaredFlows(tenants: readonly TenantSpec[] = exampleTenants): Map<string, string[]> {
  const flows = new Map<string, string[]>(tenants.map((t) => [t.name, [...t.allowedPeers]]));
  for (const callee of tenants) {
    for (const caller of callee.allowedPeers) flows.get(caller)?.push(callee.name);
  }
  return flows;
}

export function tenantGroups(tenants: readonly TenantSpec[] = exampleTenants): Map<string, string> {
  return new Map(tenants.map((t) => [t.name, `${groupsPrefix}${t.idpGroup}`]));
}

export function capturePlatform(
  transformations: readonly pulumi.ResourceTransformation[] = [],
  tenants: readonly TenantSpec[] = exampleTenants,
): Promise<Capture> {
  return capture(
    () => {
      const cluster = new ExistingCluster("cluster", { clusterName: "test", context: "kind-test" });
      new ZeroTrustPlatform("platform", {
        cluster: cluster.handle,
        tenants,
        groupsPrefix,
        platformAdminsGroup: "platform-admins",
      });
    },
    { transformations },
  );
}

/** A stack transformation that edits the inputs of resources of one type (to switch a control off). */
export function editInputs(
  type: string,
  edit: (props: Record<string, unknown>, name: string) => void,
): pulumi.ResourceTransformation {
  return (args) => {
    if (args.type !== type) return undefined;
    const props = structuredCloneSafe(args.props);
    edit(props, args.name);
    return { props, opts: args.opts };
  };
}

/** Copies plain parts of props; Outputs (namespace references) are kept by reference. */
function structuredCloneSafe(value: Record<string, unknown>): Record<string, unknown> {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, copy(item)]));
    }
    return v;
  };
  return copy(value) as Record<string, unknown>;
}
