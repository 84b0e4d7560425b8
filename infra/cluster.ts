/** Picks the cluster layer for the stack's cloud and returns its ClusterHandle. */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle } from "../components/cluster";
import { ExistingCluster } from "../components/existing-cluster";
import { configNamespace, type PlatformConfig } from "./config";

export function createCluster(config: PlatformConfig, stackName: string): ClusterHandle {
  switch (config.cloud) {
    case "existing": {
      const kubeconfig = new pulumi.Config(configNamespace).getSecret("kubeconfig");
      return new ExistingCluster("cluster", {
        clusterName: config.existingCluster.context ?? `zt-${stackName}`,
        ...(config.existingCluster.context ? { context: config.existingCluster.context } : {}),
        ...(kubeconfig ? { kubeconfig } : {}),
      }).handle;
    }
    case "aws":
    case "azure":
      // The EKS and AKS cluster layers are not in this release yet; refuse before registering anything.
      throw new pulumi.RunError(
        `${configNamespace}:cloud: "${config.cloud}" is not available in this release of zt-blueprint yet; ` +
          'use "existing" with a kubeconfig cluster until the cloud cluster layer lands',
      );
  }
}
