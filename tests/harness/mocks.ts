/**
 * Mock outputs for the resources and calls the program reads back. Values are shaped like the
 * real ones (ARNs, issuer URLs, IDs) so code that parses them is exercised, and they are
 * deterministic so a render is byte-identical from run to run.
 */
import type * as pulumi from "@pulumi/pulumi";

export const mockAccountId = "123456789012";

export function mockResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  const id = args.id || `${args.name}-id`;
  return { id, state: { ...inputs, ...extraOutputs(args.type, args.name, inputs) } };
}

function extraOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.startsWith("kubernetes:") && typeof inputs["metadata"] === "object") {
    // The API server fills in uid; the program never invents names, so metadata.name is the input.
    return { metadata: { ...(inputs["metadata"] as object), uid: `uid-${name}` } };
  }
  return {};
}

export function mockCall(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
  throw new Error(
    `the mocks do not answer ${args.token}; add a realistic result for it in tests/harness/mocks.ts`,
  );
}

export const mocks: pulumi.runtime.Mocks = { newResource: mockResource, call: mockCall };
