// The pack's entry point for the Pulumi CLI: serves the policies of ./policies over gRPC.
import { PolicyPack } from "@pulumi/policy";
import { packEnforcementLevel, packName, policies } from "./policies";

new PolicyPack(packName, { policies, enforcementLevel: packEnforcementLevel });
