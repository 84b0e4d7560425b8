/**
 * The behaviour stage's shared vocabulary: one object graph per stack (our manifests, the charts'
 * templated objects, declared shapes where a chart cannot be templated offline), the Pods the
 * cluster would run (after sidecar injection), the flows the platform needs or must deny, and each
 * enforcement point's verdict. Every verdict says what it rests on: an upstream engine, a rule we
 * modelled (with the documentation it follows), or a declared shape.
 */

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Where an object of the graph comes from. */
export type Origin =
  | { readonly kind: "ours" }
  | { readonly kind: "chart"; readonly release: string; readonly chart: string; readonly nearest: boolean }
  | {
      readonly kind: "declared";
      readonly release: string;
      readonly chart: string;
      /** The upstream chart file(s) at the pinned version the shape was written from. */
      readonly cites: readonly string[];
    }
  | { readonly kind: "sample"; readonly tenant: string };

export interface GraphObject {
  readonly object: KubeObject;
  readonly origin: Origin;
}

export interface StackGraph {
  readonly stack: string;
  readonly objects: readonly GraphObject[];
}

export interface ContainerPort {
  readonly containerPort: number;
  readonly protocol: string;
  readonly name?: string;
}

/** A Pod the cluster would run: a workload's template after mutation (sidecar injection). */
export interface PodInstance {
  readonly namespace: string;
  readonly name: string;
  /** Kind/namespace/name of the workload that creates it. */
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly injected: boolean;
  /** The whole Pod object, as admission would see it. */
  readonly object: KubeObject;
  readonly origin: Origin;
}

/** One end of a flow. */
export type Endpoint =
  | { readonly kind: "workload"; readonly namespace: string; readonly name: string }
  | { readonly kind: "internet" }
  | { readonly kind: "kube-apiserver" }
  | { readonly kind: "node" }
  | { readonly kind: "host"; readonly host: string; readonly cidrs: readonly string[] };

export interface Flow {
  /** Stable, readable: "internet → ingress gateway :443". */
  readonly id: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** The port the client dials (a Service port, or the host's port). */
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
  readonly expect: "allow" | "deny";
  readonly why: string;
}

/** What a verdict rests on. */
export type Basis =
  | { readonly kind: "engine"; readonly engine: string }
  | { readonly kind: "modelled"; readonly rule: string; readonly docs: string }
  | { readonly kind: "declared-shape"; readonly release: string };

export interface PointVerdict {
  /** "NetworkPolicy", "Service ports", "AuthorizationPolicy", "Sidecar scope", "egress registry" ... */
  readonly point: string;
  readonly verdict: "allow" | "deny" | "not-applicable";
  readonly detail: string;
  readonly basis: readonly Basis[];
}

export interface FlowResult {
  readonly flow: Flow;
  readonly points: readonly PointVerdict[];
  readonly final: "allow" | "deny";
  /** final === flow.expect */
  readonly ok: boolean;
}
