/**
 * Keycloak's database. Staging and prod use the cluster layer's managed Postgres (private,
 * encrypted, TLS required). Local and dev stacks run a single Postgres in the keycloak namespace,
 * inside the mesh (mTLS to Keycloak), restricted like every other pod; config refuses it above dev.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle, PostgresDatabase } from "../cluster";
import { controlAnnotations, managedByLabel } from "../shared/labels";
import { images } from "../versions";
import { resourcesOf, restrictedContainer, restrictedPod } from "../shared/pod-security";

export const databaseName = "keycloak";
export const databaseUser = "keycloak";

export interface KeycloakDatabaseArgs {
  readonly cluster: ClusterHandle;
  readonly mode: "in-cluster" | "managed";
  readonly namespace: pulumi.Input<string>;
  /** A managed server's password (an in-cluster Postgres reads its own from credentialsSecret). */
  readonly password?: pulumi.Output<string>;
  /** Bumped to rotate the password (write-only inputs are not diffed). */
  readonly passwordVersion: number;
  /** Secret (synced from the vault) holding the password under `db-password`. */
  readonly credentialsSecret: string;
  readonly highAvailability: boolean;
  readonly deletionProtection: boolean;
  readonly dependsOn: pulumi.Resource[];
}

export interface KeycloakDatabase extends PostgresDatabase {
  /** Where it runs: a pod of the keycloak namespace, or the cloud's managed server. */
  readonly location: "in-cluster" | "managed";
  /** JDBC options: TLS to managed servers; inside the mesh, mTLS already encrypts. */
  readonly jdbcProperties: string;
}

export function keycloakDatabase(
  name: string,
  args: KeycloakDatabaseArgs,
  opts: pulumi.CustomResourceOptions,
): KeycloakDatabase {
  if (args.mode === "managed") {
    if (!args.cluster.databases) {
      throw new Error(
        `a managed Keycloak database needs a cloud cluster; "${args.cluster.kind}" offers none`,
      );
    }
    if (!args.password) throw new Error("a managed Keycloak database needs its generated password");
    const db = args.cluster.databases.postgres(
      {
        name: "keycloak",
        databaseName,
        username: databaseUser,
        password: args.password,
        passwordVersion: args.passwordVersion,
        highAvailability: args.highAvailability,
        deletionProtection: args.deletionProtection,
      },
      { parent: opts.parent },
    );
    return { ...db, location: "managed", jdbcProperties: "?sslmode=require" };
  }
  return inClusterPostgres(name, args, opts);
}

function inClusterPostgres(
  name: string,
  args: KeycloakDatabaseArgs,
  opts: pulumi.CustomResourceOptions,
): KeycloakDatabase {
  const labels = { "app.kubernetes.io/name": "keycloak-postgres", ...managedByLabel };
  const meta = {
    name: "keycloak-postgres",
    namespace: args.namespace,
    labels,
    annotations: controlAnnotations("C-ID-1"),
  };
  new k8s.core.v1.ServiceAccount(
    `${name}-postgres`,
    { metadata: meta, automountServiceAccountToken: false },
    opts,
  );
  const service = new k8s.core.v1.Service(
    `${name}-postgres`,
    {
      metadata: meta,
      // Headless: the StatefulSet's governing Service, resolving to the one database pod.
      spec: {
        clusterIP: "None",
        selector: labels,
        ports: [{ name: "tcp-postgres", port: 5432, targetPort: 5432 }],
      },
    },
    opts,
  );
  new k8s.apps.v1.StatefulSet(
    `${name}-postgres`,
    {
      metadata: meta,
      spec: {
        serviceName: "keycloak-postgres",
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "keycloak-postgres",
            automountServiceAccountToken: false,
            securityContext: restrictedPod(),
            containers: [
              {
                name: "postgres",
                image: `${images.postgres.repository}:${images.postgres.tag}`,
                env: [
                  { name: "POSTGRES_DB", value: databaseName },
                  { name: "POSTGRES_USER", value: databaseUser },
                  // The password is read from a mounted file, never from the environment.
                  { name: "POSTGRES_PASSWORD_FILE", value: "/credentials/db-password" },
                  { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                ],
                ports: [{ name: "tcp-postgres", containerPort: 5432 }],
                imagePullPolicy: "Always",
                readinessProbe: { exec: { command: ["pg_isready", "-U", databaseUser] }, periodSeconds: 10 },
                livenessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 30, failureThreshold: 5 },
                resources: resourcesOf("100m", "1", "256Mi", "512Mi"),
                securityContext: restrictedContainer(),
                volumeMounts: [
                  { name: "data", mountPath: "/var/lib/postgresql/data" },
                  { name: "run", mountPath: "/var/run/postgresql" },
                  { name: "tmp", mountPath: "/tmp" },
                  { name: "credentials", mountPath: "/credentials", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "run", emptyDir: {} },
              { name: "tmp", emptyDir: {} },
              {
                name: "credentials",
                secret: {
                  secretName: args.credentialsSecret,
                  items: [{ key: "db-password", path: "db-password" }],
                },
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
          },
        ],
      },
    },
    { ...opts, dependsOn: args.dependsOn },
  );
  return {
    host: service.metadata.name.apply((svc) => `${svc}.keycloak.svc.cluster.local`),
    port: 5432,
    location: "in-cluster",
    subnetCidrs: [],
    databaseName,
    username: databaseUser,
    jdbcProperties: "",
  };
}
