/**
 * Mesh-wide zero-trust policy objects (C-MESH-1, C-MESH-2): STRICT mTLS and allow-nothing in the
 * root namespace. Every allowed flow is then an explicit AuthorizationPolicy elsewhere.
 */
export const istioRootNamespace = "istio-system";

export function strictPeerAuthentication() {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "PeerAuthentication",
    metadata: { name: "default", namespace: istioRootNamespace },
    spec: { mtls: { mode: "STRICT" } },
  };
}

/** An AuthorizationPolicy with an empty spec in the root namespace denies every request mesh-wide. */
export function allowNothing() {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name: "allow-nothing", namespace: istioRootNamespace },
    spec: {},
  };
}

/**
 * Lets every workload of a namespace call every other one (mTLS identities of that namespace),
 * except on `exceptPorts`, which a narrower policy of the namespace admits by identity
 * (Istio Operation.notPorts).
 */
export function allowSameNamespace(namespace: string, exceptPorts: readonly number[] = []) {
  const to = exceptPorts.length > 0 ? { to: [{ operation: { notPorts: exceptPorts.map(String) } }] } : {};
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    metadata: { name: "allow-same-namespace", namespace },
    spec: { action: "ALLOW", rules: [{ from: [{ source: { namespaces: [namespace] } }], ...to }] },
  };
}

export function spiffePrincipal(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}
