/**
 * Mock outputs for the resources and calls the program reads back. Values are shaped like the
 * real ones (ARNs, issuer URLs, IDs) so code that parses them is exercised, and they are
 * deterministic so a render is byte-identical from run to run.
 */
import type * as pulumi from "@pulumi/pulumi";

export const mockAccountId = "123456789012";
export const mockRegion = "eu-west-1";
export const mockOidcIssuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/** Every generated password starts with this, so a leak scan can find them all. */
export const mockGeneratedSecretPrefix = "mock-generated-secret-";

export function mockResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  const extra = extraOutputs(args.type, args.name, inputs);
  // Where the cloud's own ID is realistic (Azure resource IDs), the resource's id is that.
  const id = args.id || (typeof extra["id"] === "string" ? extra["id"] : `${args.name}-id`);
  return { id, state: { ...inputs, ...extra, id } };
}

function extraOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.startsWith("kubernetes:") && typeof inputs["metadata"] === "object") {
    // The API server fills in uid; the program never invents names, so metadata.name is the input.
    return { metadata: { ...(inputs["metadata"] as object), uid: `uid-${name}` } };
  }
  if (type.startsWith("aws:")) return awsOutputs(type, name, inputs);
  if (type.startsWith("azure:")) return azureOutputs(type, name, inputs);
  if (type === "random:index/randomPassword:RandomPassword") {
    // Recognisable, so tests can search the whole graph and the render for it in plain text.
    return { result: `${mockGeneratedSecretPrefix}${name}-Zq8rT2vX` };
  }
  return {};
}

export const mockSubscriptionId = "00000000-0000-4000-8000-000000000001";
export const mockTenantId = "00000000-0000-4000-8000-0000000000aa";
export const mockAksIssuer =
  "https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-0000000000aa/mock/";

const azureResourceTypes: Record<string, string> = {
  "azure:network/virtualNetwork:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure:network/natGateway:NatGateway": "Microsoft.Network/natGateways",
  "azure:network/publicIp:PublicIp": "Microsoft.Network/publicIPAddresses",
  "azure:keyvault/keyVault:KeyVault": "Microsoft.KeyVault/vaults",
  "azure:postgresql/flexibleServer:FlexibleServer": "Microsoft.DBforPostgreSQL/flexibleServers",
  "azure:containerservice/kubernetesCluster:KubernetesCluster": "Microsoft.ContainerService/managedClusters",
  "azure:containerservice/registry:Registry": "Microsoft.ContainerRegistry/registries",
  "azure:authorization/userAssignedIdentity:UserAssignedIdentity":
    "Microsoft.ManagedIdentity/userAssignedIdentities",
  "azure:operationalinsights/analyticsWorkspace:AnalyticsWorkspace":
    "Microsoft.OperationalInsights/workspaces",
};

/** Azure resource IDs and the attributes Azure computes, shaped like the real ones. */
function azureOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physicalName = typeof inputs["name"] === "string" ? inputs["name"] : name;
  const group = typeof inputs["resourceGroupName"] === "string" ? inputs["resourceGroupName"] : "rg";
  const scope = `/subscriptions/${mockSubscriptionId}/resourceGroups/${group}`;
  const id = `${scope}/providers/${azureResourceTypes[type] ?? `Microsoft.Mock/${type.split(":")[2] ?? "resource"}`}/${physicalName}`;
  switch (type) {
    case "azure:core/resourceGroup:ResourceGroup":
      return {
        id: `/subscriptions/${mockSubscriptionId}/resourceGroups/${physicalName}`,
        name: physicalName,
      };
    case "azure:network/subnet:Subnet":
      return {
        id: `${scope}/providers/Microsoft.Network/virtualNetworks/${String(inputs["virtualNetworkName"])}/subnets/${name}`,
        name,
      };
    case "azure:keyvault/key:Key":
      return {
        id: `https://${name}.vault.azure.net/keys/${physicalName}/0123456789abcdef`,
        versionlessId: `https://${name}.vault.azure.net/keys/${physicalName}`,
      };
    case "azure:authorization/userAssignedIdentity:UserAssignedIdentity":
      return {
        id,
        name: physicalName,
        principalId: `principal-${name}`,
        clientId: `client-${name}`,
        tenantId: mockTenantId,
      };
    case "azure:containerservice/registry:Registry":
      return { id, name: physicalName, loginServer: `${physicalName}.azurecr.io` };
    case "azure:keyvault/keyVault:KeyVault":
      return { id, name: physicalName, vaultUri: `https://${physicalName}.vault.azure.net/` };
    case "azure:postgresql/flexibleServer:FlexibleServer":
      return { id, name: physicalName, fqdn: `${physicalName}.postgres.database.azure.com` };
    case "azure:containerservice/kubernetesCluster:KubernetesCluster":
      return {
        id,
        name: physicalName,
        oidcIssuerUrl: mockAksIssuer,
        fqdn: `${physicalName}-dns.hcp.westeurope.azmk8s.io`,
        privateFqdn: `${physicalName}-dns.privatelink.westeurope.azmk8s.io`,
        kubeConfigs: [{ clusterCaCertificate: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMtLW1vY2stLQo=" }],
        kubeletIdentity: { objectId: `kubelet-${name}`, clientId: `kubelet-client-${name}` },
      };
    default:
      return { id, name: physicalName };
  }
}

/** ARNs and the attributes AWS computes, shaped like the real ones. */
function awsOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  const physicalName = typeof inputs["name"] === "string" ? inputs["name"] : name;
  const base = { arn: `arn:aws:${service}:${mockRegion}:${mockAccountId}:${name}`, id: `${name}-id` };
  switch (type) {
    case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
      return {
        ...base,
        name: "AWSServiceRoleForAutoScaling",
        arn: `arn:aws:iam::${mockAccountId}:role/aws-service-role/${String(inputs["awsServiceName"])}/AWSServiceRoleForAutoScaling`,
      };
    case "aws:iam/role:Role":
      return { ...base, name: physicalName, arn: `arn:aws:iam::${mockAccountId}:role/${physicalName}` };
    case "aws:kms/key:Key":
      return {
        ...base,
        keyId: `${name}-key-id`,
        arn: `arn:aws:kms:${mockRegion}:${mockAccountId}:key/${name}-key-id`,
      };
    case "aws:eks/cluster:Cluster":
      return {
        ...base,
        name: physicalName,
        arn: `arn:aws:eks:${mockRegion}:${mockAccountId}:cluster/${physicalName}`,
        endpoint: `https://${name.toUpperCase()}.gr7.${mockRegion}.eks.amazonaws.com`,
        certificateAuthority: { data: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMtLW1vY2stLQo=" },
        identities: [{ oidcs: [{ issuer: mockOidcIssuer }] }],
        vpcConfig: {
          ...(inputs["vpcConfig"] as Record<string, unknown>),
          clusterSecurityGroupId: `sg-${name}-cluster`,
        },
      };
    case "aws:rds/instance:Instance":
      return {
        ...base,
        arn: `arn:aws:rds:${mockRegion}:${mockAccountId}:db:${name}`,
        address: `${name}.c0ffee.${mockRegion}.rds.amazonaws.com`,
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return {
        ...base,
        arn: `arn:aws:iam::${mockAccountId}:oidc-provider/${mockOidcIssuer.replace("https://", "")}`,
      };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { ...base, latestVersion: 1 };
    case "aws:ecr/repository:Repository":
      return {
        ...base,
        repositoryUrl: `${mockAccountId}.dkr.ecr.${mockRegion}.amazonaws.com/${physicalName}`,
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...base, arn: `arn:aws:logs:${mockRegion}:${mockAccountId}:log-group:${physicalName}` };
    default:
      return base;
  }
}

const callResults: Record<string, (inputs: Record<string, unknown>) => pulumi.runtime.MockCallResult> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: mockAccountId,
    arn: `arn:aws:iam::${mockAccountId}:role/deployer`,
    userId: "AROAEXAMPLE",
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  // The account already has the Auto Scaling service-linked role (the preflight's "existing" case).
  "aws:iam/getRole:getRole": (inputs) => ({
    name: inputs["name"],
    arn: `arn:aws:iam::${mockAccountId}:role/aws-service-role/autoscaling.amazonaws.com/${String(inputs["name"])}`,
  }),
  "azure:core/getClientConfig:getClientConfig": () => ({
    clientId: "deployer-client-id",
    objectId: "deployer-object-id",
    subscriptionId: mockSubscriptionId,
    tenantId: mockTenantId,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
  }),
};

export function mockCall(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
  const result = callResults[args.token];
  if (result) return result(args.inputs as Record<string, unknown>);
  throw new Error(
    `the mocks do not answer ${args.token}; add a realistic result for it in tests/harness/mocks.ts`,
  );
}

export const mocks: pulumi.runtime.Mocks = { newResource: mockResource, call: mockCall };
