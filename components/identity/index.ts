/**
 * Keycloak (C-ID-1 … C-ID-3, C-ID-5): the people's OIDC issuer. The official image, pinned, runs
 * as a Deployment we own (why not the operator or a chart: docs/identity.md), 2+ replicas with
 * a PodDisruptionBudget above dev, clustered through its database (jdbc-ping), restricted pod
 * security with a read-only root filesystem, health probes on the management port, inside the
 * mesh (mTLS, and TLS at the ingress gateway). Its admin password (and an in-cluster database's)
 * is generated in the cluster by External Secrets; a managed database's password is generated
 * here, written to the vault and the server through write-only inputs and synced back.
 * The realm is applied by an in-cluster job (realm.ts, apply-realm.sh), so the admin API is never
 * reachable from outside the cluster.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ClusterHandle } from "../cluster";
import type { ExternalSecrets } from "../external-secrets";
import { ingressNamespace } from "../mesh";
import { controlAnnotations, managedByLabel } from "../shared/labels";
import {
  allPods,
  denyAll,
  dnsEgress,
  namespaceNamed,
  sameNamespace,
  sidecarScrapes,
  tcpPorts,
} from "../shared/network-fragments";
import { addonNamespace, namespacePolicies } from "../shared/platform-namespace";
import { images } from "../versions";
import {
  clusterAuthorizationPolicy,
  clusterNetworkPolicySpec,
  clusterServiceName,
  clusterServiceSpec,
  jgroupsPorts,
} from "./clustering";
import { keycloakDatabase, type KeycloakDatabase } from "./database";
import { keycloakMeshObjects, managedDatabaseEntry } from "./mesh";
import { resourcesOf, restrictedContainer, restrictedPod } from "../shared/pod-security";
import {
  flowProviders,
  kubectlClient,
  realmGroupNames,
  realmRepresentation,
  realmSettings,
  type RealmArgs,
} from "./realm";

export { kubectlClientId } from "./realm";
export const keycloakNamespace = "keycloak";
const credentialsSecret = "keycloak-credentials";
/** The bootstrap admin's password, generated in the cluster. */
const adminSecret = "keycloak-admin";
const adminUser = "zt-admin";

export interface KeycloakArgs {
  readonly cluster: ClusterHandle;
  readonly secrets: ExternalSecrets;
  /** Public hostname of the issuer, served by the ingress gateway, e.g. id.example.com. */
  readonly hostname: string;
  readonly replicas: number;
  readonly database: "in-cluster" | "managed";
  /** Standby database and deletion protection (prod). */
  readonly production: boolean;
  readonly realm: RealmArgs;
  /** Image reference; defaults to the pinned official image. */
  readonly image?: string;
  /** Bump to rotate the generated admin and database passwords. */
  readonly credentialsVersion: number;
  /** The mesh must be ready: Keycloak is never reachable without mTLS. */
  readonly meshReady: pulumi.Resource;
  /** Prometheus's namespace, when monitoring is on: it may scrape the sidecars. */
  readonly scrapedBy?: string;
}

export class Keycloak extends pulumi.ComponentResource {
  readonly issuerUrl: string;

  constructor(name: string, args: KeycloakArgs, opts?: pulumi.ComponentResourceOptions) {
    super("zt-blueprint:identity:Keycloak", name, {}, opts);
    const child = { parent: this, provider: args.cluster.provider };
    this.issuerUrl = `https://${args.hostname}/realms/${args.realm.realm}`;
    const namespace = addonNamespace(
      name,
      { namespace: keycloakNamespace, control: "C-ID-1", extraLabels: { "istio-injection": "enabled" } },
      child,
    );
    // Generated in the cluster, so no value passes through the program or the state (C-SEC-4):
    // the bootstrap admin password always, and the database password of the in-cluster Postgres,
    // which reads it from the same Secret. Only a managed database's password must exist before
    // the server does; it is generated here and reaches the cloud and the vault through
    // write-only inputs (never in state), then syncs back from the vault.
    const admin = args.secrets.generatedSecret(
      `${name}-admin`,
      { namespace: namespace.metadata.name, secretName: adminSecret, keys: ["admin-password"] },
      child,
    );
    const managed = args.database === "managed";
    const dbPassword = managed
      ? new random.RandomPassword(
          `${name}-db-password`,
          // A new credentialsVersion regenerates the value, and as the write-only inputs' version it
          // makes the vault and the database take the new value (write-only inputs are not diffed).
          { length: 32, special: false, keepers: { version: String(args.credentialsVersion) } },
          { parent: this },
        ).result
      : undefined;
    const credentials = dbPassword
      ? args.secrets.platformSecret(
          `${name}-credentials`,
          {
            namespace: namespace.metadata.name,
            secretName: credentialsSecret,
            data: [
              {
                secretKey: "db-password",
                remoteRef: args.secrets.platformScope.storeSecret(
                  "keycloak-db-password",
                  { value: dbPassword, version: args.credentialsVersion },
                  { parent: this },
                ),
              },
            ],
          },
          child,
        )
      : args.secrets.generatedSecret(
          `${name}-credentials`,
          { namespace: namespace.metadata.name, secretName: credentialsSecret, keys: ["db-password"] },
          child,
        );

    const db = keycloakDatabase(
      name,
      {
        cluster: args.cluster,
        mode: args.database,
        namespace: namespace.metadata.name,
        ...(dbPassword ? { password: dbPassword } : {}),
        passwordVersion: args.credentialsVersion,
        credentialsSecret,
        highAvailability: args.production,
        deletionProtection: args.production,
        dependsOn: [credentials, args.meshReady],
      },
      child,
    );
    networkPolicies(name, namespace.metadata.name, db, args.scrapedBy, child);

    const labels = { "app.kubernetes.io/name": "keycloak", ...managedByLabel };
    const meta = (objectName: string, ...controls: string[]) => ({
      name: objectName,
      namespace: namespace.metadata.name,
      labels,
      annotations: controlAnnotations("C-ID-1", ...controls),
    });
    new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: meta("keycloak", "C-ID-6"), automountServiceAccountToken: false },
      child,
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta("keycloak"),
        spec: {
          selector: labels,
          ports: [
            { name: "http", port: 8080, targetPort: 8080 },
            { name: "http-management", port: 9000, targetPort: 9000 },
          ],
        },
      },
      child,
    );
    // The headless Service that makes each replica's JGroups ports known to the mesh (clustering.ts).
    new k8s.core.v1.Service(
      `${name}-cluster-service`,
      { metadata: meta(clusterServiceName), spec: clusterServiceSpec(labels) },
      child,
    );
    namespacePolicies(
      `${name}-cluster`,
      namespace.metadata.name,
      "C-ID-1",
      { "allow-keycloak-cluster": clusterNetworkPolicySpec(labels) },
      child,
    );
    const image = args.image ?? `${images.keycloak.repository}:${images.keycloak.tag}`;
    const env = [
      { name: "KC_DB", value: "postgres" },
      {
        name: "KC_DB_URL",
        value: pulumi.interpolate`jdbc:postgresql://${db.host}:${db.port}/${db.databaseName}${db.jdbcProperties}`,
      },
      { name: "KC_DB_USERNAME", value: db.username },
      {
        name: "KC_DB_PASSWORD",
        valueFrom: { secretKeyRef: { name: credentialsSecret, key: "db-password" } },
      },
      { name: "KC_BOOTSTRAP_ADMIN_USERNAME", value: adminUser },
      {
        name: "KC_BOOTSTRAP_ADMIN_PASSWORD",
        valueFrom: { secretKeyRef: { name: adminSecret, key: "admin-password" } },
      },
      { name: "KC_HOSTNAME", value: `https://${args.hostname}` },
      // The admin console answers only on the in-cluster address, which no gateway routes.
      { name: "KC_HOSTNAME_ADMIN", value: `http://keycloak.${keycloakNamespace}.svc.cluster.local:8080` },
      { name: "KC_HOSTNAME_STRICT", value: "true" },
      // Plain HTTP only inside the pod's sidecar: the mesh enforces mTLS, the gateway terminates TLS.
      { name: "KC_HTTP_ENABLED", value: "true" },
      { name: "KC_PROXY_HEADERS", value: "xforwarded" },
      { name: "KC_HEALTH_ENABLED", value: "true" },
      { name: "KC_METRICS_ENABLED", value: "true" },
      { name: "KC_CACHE", value: "ispn" },
      { name: "KC_CACHE_STACK", value: "jdbc-ping" },
    ];
    const buildOptions = ["--db=postgres", "--health-enabled=true", "--metrics-enabled=true", "--cache=ispn"];
    const writable = [
      // The optimized build is written here by the init container, so the root filesystem stays read-only.
      { name: "quarkus", mountPath: "/opt/keycloak/lib/quarkus" },
      { name: "data", mountPath: "/opt/keycloak/data" },
      { name: "tmp", mountPath: "/tmp" },
    ];
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: meta("keycloak", "C-ID-2", "C-ID-5"),
        spec: {
          replicas: args.replicas,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: "keycloak",
              automountServiceAccountToken: false,
              securityContext: restrictedPod(),
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: {
                        topologyKey: "kubernetes.io/hostname",
                        labelSelector: { matchLabels: labels },
                      },
                    },
                  ],
                },
              },
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: "topology.kubernetes.io/zone",
                  whenUnsatisfiable: "ScheduleAnyway",
                  labelSelector: { matchLabels: labels },
                },
              ],
              initContainers: [
                {
                  name: "build",
                  image,
                  args: ["build", ...buildOptions],
                  securityContext: restrictedContainer(),
                  imagePullPolicy: "Always",
                  resources: resourcesOf("500m", "2", "512Mi", "1Gi"),
                  volumeMounts: writable,
                },
              ],
              containers: [
                {
                  name: "keycloak",
                  image,
                  args: ["start", "--optimized"],
                  env,
                  ports: [
                    { name: "http", containerPort: 8080 },
                    { name: "http-management", containerPort: 9000 },
                    ...jgroupsPorts.map(({ name: portName, port }) => ({
                      name: portName,
                      containerPort: port,
                    })),
                  ],
                  startupProbe: {
                    httpGet: { path: "/health/started", port: 9000 },
                    failureThreshold: 60,
                    periodSeconds: 5,
                  },
                  readinessProbe: { httpGet: { path: "/health/ready", port: 9000 }, periodSeconds: 10 },
                  livenessProbe: { httpGet: { path: "/health/live", port: 9000 }, periodSeconds: 30 },
                  imagePullPolicy: "Always",
                  resources: resourcesOf("500m", "2", "1Gi", "2Gi"),
                  securityContext: restrictedContainer(),
                  volumeMounts: writable,
                },
              ],
              volumes: writable.map((volume) => ({ name: volume.name, emptyDir: {} })),
            },
          },
        },
      },
      { ...child, dependsOn: [credentials, admin, args.meshReady] },
    );
    if (args.replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        { metadata: meta("keycloak"), spec: { minAvailable: 1, selector: { matchLabels: labels } } },
        child,
      );
    }
    const meshObjects = [
      ...keycloakMeshObjects(keycloakNamespace, args.hostname, "keycloak"),
      clusterAuthorizationPolicy(keycloakNamespace, "keycloak", labels),
      ...(db.location === "managed" ? [managedDatabaseEntry(keycloakNamespace, db.host, db.port)] : []),
    ];
    for (const object of meshObjects) {
      new k8s.apiextensions.CustomResource(
        `${name}-${object.kind.toLowerCase()}-${object.metadata.name}`,
        {
          ...object,
          metadata: {
            ...object.metadata,
            labels: managedByLabel,
            // Outbound scope and declared external hosts are egress control; the rest authorization.
            annotations: controlAnnotations(
              "C-ID-1",
              ["Sidecar", "ServiceEntry"].includes(object.kind) ? "C-MESH-3" : "C-MESH-2",
            ),
          },
        },
        { ...child, dependsOn: [args.meshReady] },
      );
    }
    realmJob(
      name,
      { args, namespace: namespace.metadata.name, image, serviceUrl: service.metadata.name },
      { ...child, dependsOn: [deployment] },
    );
    this.registerOutputs({ issuerUrl: this.issuerUrl, namespace: namespace.metadata.name });
  }
}

function networkPolicies(
  name: string,
  namespace: pulumi.Input<string>,
  db: KeycloakDatabase,
  scrapedBy: string | undefined,
  opts: pulumi.CustomResourceOptions,
): void {
  // The in-cluster database is a pod of this namespace (allow-same-namespace); a managed one is
  // reached on its port in the subnets its private addresses come from, nowhere else.
  const database =
    db.location === "managed"
      ? [{ to: db.subnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcpPorts(db.port) }]
      : [];
  namespacePolicies(
    name,
    namespace,
    "C-ID-1",
    {
      "default-deny": denyAll,
      "allow-same-namespace": sameNamespace,
      "allow-from-ingress-gateway": {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "keycloak" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespaceNamed([ingressNamespace])], ports: tcpPorts(8080) }],
      },
      // DNS, the mesh control plane, and a managed database (its private address is not a pod).
      "allow-dns-mesh-and-database": {
        podSelector: allPods,
        policyTypes: ["Egress"],
        egress: [dnsEgress, { to: [namespaceNamed(["istio-system"])], ports: tcpPorts(15012) }, ...database],
      },
      ...(scrapedBy ? { "allow-metrics-scrapes": sidecarScrapes(scrapedBy) } : {}),
    },
    opts,
  );
}

interface RealmJobInputs {
  readonly args: KeycloakArgs;
  readonly namespace: pulumi.Input<string>;
  readonly image: string;
  readonly serviceUrl: pulumi.Input<string>;
}

/** The realm, rendered to files and applied by a job whose name changes with its content. */
function realmJob(name: string, inputs: RealmJobInputs, opts: pulumi.CustomResourceOptions): void {
  const { args } = inputs;
  const script = readFileSync(path.join(__dirname, "apply-realm.sh"), "utf8");
  const files: Record<string, string> = {
    "realm-name": args.realm.realm,
    "realm.json": JSON.stringify(realmRepresentation(args.realm), null, 2),
    "settings.json": JSON.stringify(realmSettings(args.realm), null, 2),
    "clients.json": JSON.stringify({ ifResourceExists: "OVERWRITE", clients: [kubectlClient()] }, null, 2),
    "groups.json": JSON.stringify(
      {
        ifResourceExists: "SKIP",
        groups: realmGroupNames(args.realm.groups).map((group) => ({ name: group })),
      },
      null,
      2,
    ),
    // Every step the bound browser flow must contain; the job's drift check fails without one.
    "flow-providers": flowProviders(args.realm.webAuthn).join("\n"),
    "apply-realm.sh": script,
  };
  const hash = createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 10);
  const labels = { "app.kubernetes.io/name": "keycloak-realm", ...managedByLabel };
  const meta = (objectName: string) => ({
    name: objectName,
    namespace: inputs.namespace,
    labels,
    annotations: controlAnnotations("C-ID-2", "C-ID-3", "C-ID-4", "C-ID-5"),
  });
  const config = new k8s.core.v1.ConfigMap(
    `${name}-realm`,
    { metadata: meta(`keycloak-realm-${hash}`), data: files },
    opts,
  );
  new k8s.core.v1.ServiceAccount(
    `${name}-realm-sa`,
    { metadata: meta("keycloak-realm"), automountServiceAccountToken: false },
    opts,
  );
  new k8s.batch.v1.Job(
    `${name}-realm-job`,
    {
      metadata: meta(`keycloak-realm-${hash}`),
      spec: {
        backoffLimit: 3,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: {
            labels,
            // A native sidecar exits with the job, so the job can complete inside the mesh.
            annotations: { "sidecar.istio.io/nativeSidecar": "true" },
          },
          spec: {
            serviceAccountName: "keycloak-realm",
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            securityContext: restrictedPod(),
            containers: [
              {
                name: "apply-realm",
                image: inputs.image,
                command: ["/bin/bash", "/realm/apply-realm.sh"],
                env: [
                  {
                    name: "KEYCLOAK_URL",
                    value: pulumi.interpolate`http://${inputs.serviceUrl}.${keycloakNamespace}.svc.cluster.local:8080`,
                  },
                  { name: "KC_ADMIN_USER", value: adminUser },
                  { name: "KC_ADMIN_PASSWORD_FILE", value: "/credentials/admin-password" },
                ],
                imagePullPolicy: "Always",
                resources: resourcesOf("100m", "500m", "256Mi", "512Mi"),
                securityContext: restrictedContainer(),
                volumeMounts: [
                  { name: "realm", mountPath: "/realm", readOnly: true },
                  { name: "credentials", mountPath: "/credentials", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "realm", configMap: { name: config.metadata.name } },
              {
                name: "credentials",
                secret: {
                  secretName: adminSecret,
                  items: [{ key: "admin-password", path: "admin-password" }],
                },
              },
              { name: "tmp", emptyDir: {} },
            ],
          },
        },
      },
    },
    opts,
  );
}
