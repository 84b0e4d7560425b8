/**
 * What the tenants' quotas may add up to: the node pool at its maximum size. Tenants whose quotas
 * together exceed it were promised capacity the stack can never provide (C-TEN-4), so config
 * refuses them. Only instance types listed here are checked; the defaults are the components'.
 */
import { defaultNodeVmSize } from "../components/aks-cluster";
import { defaultNodeInstanceType } from "../components/eks-cluster";
import { cpuMillicores, memoryMebibytes, type ConfigProblem } from "./config-rules";
import type { StackConfigInput } from "./config-schema";
import { tierDefaults } from "./tiers";

/** vCPU (millicores) and memory (MiB) per node of the instance types the stacks use. */
export const instanceSizes: Readonly<Record<string, { readonly cpu: number; readonly memory: number }>> = {
  "m7i.large": { cpu: 2000, memory: 8192 },
  "m7i.xlarge": { cpu: 4000, memory: 16384 },
  "m7i.2xlarge": { cpu: 8000, memory: 32768 },
  "m7i.4xlarge": { cpu: 16000, memory: 65536 },
  Standard_D2ds_v5: { cpu: 2000, memory: 8192 },
  Standard_D4ds_v5: { cpu: 4000, memory: 16384 },
  Standard_D8ds_v5: { cpu: 8000, memory: 32768 },
  Standard_D16ds_v5: { cpu: 16000, memory: 65536 },
};

/** The node type each cluster component uses when the stack names none. */
export const defaultInstanceType = { aws: defaultNodeInstanceType, azure: defaultNodeVmSize } as const;

export function tenantCapacity(config: StackConfigInput): ConfigProblem[] {
  if (config.cloud === "existing") return []; // a kubeconfig cluster's size is not ours to know
  const type = config.nodes?.instanceType ?? defaultInstanceType[config.cloud];
  const size = instanceSizes[type];
  if (!size) return [];
  const defaults = tierDefaults[config.tier];
  const maxSize = config.nodes?.maxSize ?? defaults.nodes.maxSize;
  const tenants = config.tenants ?? [];
  const cpu = tenants.reduce((sum, t) => sum + cpuMillicores(t.quota?.cpu ?? defaults.tenantQuota.cpu), 0);
  const memory = tenants.reduce(
    (sum, t) => sum + memoryMebibytes(t.quota?.memory ?? defaults.tenantQuota.memory),
    0,
  );
  const problems: ConfigProblem[] = [];
  const over = (what: string, total: string, capacity: string) =>
    problems.push({
      path: ["tenants"],
      message: `the tenants' ${what} quotas add up to ${total}, above the stack's capacity of ${capacity} (nodes.maxSize ${maxSize} × ${type}); raise nodes.maxSize or lower tenant quotas (C-TEN-4)`,
    });
  if (cpu > maxSize * size.cpu) over("CPU", `${cpu / 1000} vCPU`, `${(maxSize * size.cpu) / 1000} vCPU`);
  if (memory > maxSize * size.memory)
    over("memory", `${memory / 1024} GiB`, `${(maxSize * size.memory) / 1024} GiB`);
  return problems;
}
