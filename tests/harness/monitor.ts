/**
 * A MockMonitor that records each register request itself. `setMocks` hands `newResource` only
 * type, name and plain inputs; the request also carries the parent, the provider, dependencies
 * and which inputs are secret, and those are what zero-trust tests need.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { CapturedResource } from "./graph";

interface StructLike {
  toJavaScript(): Record<string, unknown>;
}
interface PropertyDependencies {
  getUrnsList(): string[];
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): StructLike | undefined;
  getDependenciesList(): string[];
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getImportid(): string;
  getPropertydependenciesMap(): { forEach(cb: (value: PropertyDependencies, key: string) => void): void };
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): StructLike | undefined;
}
type Callback = (err: unknown, response: unknown) => void;

const {
  specialSigKey,
  specialSecretSig,
  specialResourceSig,
  specialAssetSig,
  specialArchiveSig,
  unknownValue,
} = pulumi.runtime;

export class RecordingMonitor extends MockMonitor {
  readonly records: CapturedResource[] = [];

  override async registerResource(req: unknown, callback: Callback): Promise<void> {
    const request = req as RegisterRequest;
    const secretPaths: string[] = [];
    const inputs = decode(request.getObject()?.toJavaScript() ?? {}, "", secretPaths) as Record<
      string,
      unknown
    >;
    const propertyDependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = [...deps.getUrnsList()].sort();
    });
    await super.registerResource(req, (err, response) => {
      if (!err && response) {
        const provider = request.getProvider();
        const outputs = decode((response as RegisterResponse).getObject()?.toJavaScript() ?? {}, "", []);
        this.records.push({
          urn: (response as RegisterResponse).getUrn(),
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          ...(request.getParent() ? { parent: request.getParent() } : {}),
          ...(provider ? { provider: provider.split("::").slice(0, -1).join("::") } : {}),
          inputs,
          outputs: outputs as Record<string, unknown>,
          secretPaths: secretPaths.sort(),
          dependsOn: [...new Set(request.getDependenciesList())].sort(),
          propertyDependencies,
          protect: request.getProtect() === true,
          retainOnDelete: request.getRetainondelete() === true,
          ignoreChanges: [...request.getIgnorechangesList()].sort(),
          ...(request.getImportid() ? { importId: request.getImportid() } : {}),
        });
      }
      callback(err, response);
    });
  }
}

/** Turns the wire form of inputs into plain values, noting where secrets were. */
function decode(value: unknown, path: string, secretPaths: string[]): unknown {
  if (value === unknownValue) return "[unknown]";
  if (Array.isArray(value)) return value.map((item, i) => decode(item, join(path, String(i)), secretPaths));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[specialSigKey]) {
    case specialSecretSig:
      secretPaths.push(path);
      return decode(record["value"], path, []);
    case specialResourceSig:
      return { resourceUrn: record["urn"] };
    case specialAssetSig:
    case specialArchiveSig:
      return { asset: record["path"] ?? record["uri"] ?? "[inline]" };
    default:
      return Object.fromEntries(
        Object.entries(record).map(([key, item]) => [key, decode(item, join(path, key), secretPaths)]),
      );
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
