/**
 * Azure role assignments are eventually consistent: an assignment that ARM reports created can be
 * refused by Key Vault or AKS for some time afterwards. What uses a grant waits for a short
 * propagation wait after it, as upstream modules do (Azure/terraform-azurerm-avm-res-keyvault-vault
 * waits with `time_sleep` after its role assignments, `wait_for_rbac_before_*_operations`).
 * https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
 */
import * as pulumi from "@pulumi/pulumi";

/** Seconds to wait after role assignments before anything uses them. */
export const rolePropagationSeconds = 60;

interface WaitInputs {
  readonly seconds: number;
  /** The IDs of the assignments waited for: a changed grant waits again (replacement). */
  readonly grants: string[];
}

const waitProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WaitInputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    return { id: `waited-${inputs.seconds}s`, outs: inputs };
  },
};

/** A resource whose creation takes `seconds` once every grant exists; depend on it, not the grants. */
export class PropagationWait extends pulumi.dynamic.Resource {
  constructor(name: string, grants: pulumi.CustomResource[], opts: pulumi.CustomResourceOptions) {
    super(
      waitProvider,
      name,
      { seconds: rolePropagationSeconds, grants: grants.map((grant) => grant.id) },
      { ...opts, dependsOn: grants },
    );
  }
}
