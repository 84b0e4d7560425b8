/**
 * A Kubernetes control plane on loopback for the real-engine e2e: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler (the pinned release, built by `npm run engine:tools`)
 * and kwok, which plays the kubelet for fake nodes (pods get scheduled, become Ready, Job pods
 * complete). Everything listens on 127.0.0.1, lives in one temporary folder, and is stopped by
 * PID (SIGTERM, then SIGKILL after a grace period), also when start-up fails.
 *
 * What is not real: no container runs (kwok only sets status), and the API server runs without
 * the admission-webhook plugins, because the webhooks the platform registers (Gatekeeper, Istio's
 * injector, External Secrets, policy-controller) have no server behind them on fake nodes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { engineTools } from "../../components/versions";
import { runOrThrow } from "../verify/exec";

export interface ControlPlane {
  readonly kubeconfig: string;
  readonly server: string;
  readonly logsDir: string;
  kubectl(args: readonly string[]): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function certificates(dir: string): void {
  const ssl = (args: string[]) => runOrThrow("openssl", args, { cwd: dir });
  ssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=zt-e2e-ca",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  ]);
  fs.writeFileSync(
    path.join(dir, "san.cnf"),
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes.default.svc\n",
  );
  ssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=kube-apiserver",
    "-keyout",
    "apiserver.key",
    "-out",
    "apiserver.csr",
  ]);
  ssl([
    "x509",
    "-req",
    "-in",
    "apiserver.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
    "-out",
    "apiserver.crt",
  ]);
  ssl(["genrsa", "-out", "sa.key", "2048"]);
  ssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

function kubeconfigFor(server: string, dir: string, token: string): string {
  const ca = fs.readFileSync(path.join(dir, "ca.crt")).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: e2e\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${ca}`,
    "users:",
    `- name: admin\n  user:\n    token: ${token}`,
    "contexts:",
    "- name: e2e\n  context:\n    cluster: e2e\n    user: admin",
    "current-context: e2e",
    "",
  ].join("\n");
}

/** kwok's stages (from its own module at the pinned version): without them kwok exits "no stages found". */
function kwokStages(kwokModuleDir: string): string[] {
  const stage = (p: string) => path.join(kwokModuleDir, "kustomize", "stage", p);
  return [
    stage("node/fast/node-initialize.yaml"),
    // Renews each node's Lease too, so the node-lifecycle controller never marks a node unreachable.
    stage("node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"),
    stage("pod/fast/pod-ready.yaml"),
    stage("pod/fast/pod-complete.yaml"),
    stage("pod/fast/pod-delete.yaml"),
  ];
}

export interface ControlPlaneOptions {
  readonly dir: string;
  readonly commands: Readonly<Record<string, string>>;
  readonly kwokModuleDir: string;
  readonly nodes: number;
  readonly log?: (line: string) => void;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { dir, commands } = options;
  const log = options.log ?? console.log;
  const logsDir = path.join(dir, "logs");
  fs.mkdirSync(logsDir, { recursive: true });
  const children: { name: string; child: ChildProcess }[] = [];
  const failures: string[] = [];
  const assertRunning = () => {
    if (failures.length > 0) throw new Error(`control plane failed to start: ${failures.join("; ")}`);
    const exited = children.filter((c) => c.child.exitCode !== null);
    if (exited.length > 0) {
      throw new Error(`exited during start-up: ${exited.map((c) => c.name).join(", ")}; see ${logsDir}`);
    }
  };
  const startProcess = (name: string, args: string[]) => {
    const out = fs.openSync(path.join(logsDir, `${name}.log`), "w");
    const child = spawn(commands[name]!, args, { stdio: ["ignore", out, out], cwd: dir });
    // A binary that cannot start (missing, not executable) is a start-up failure, not an
    // uncaught exception that would skip stopping what already runs.
    child.on("error", (err) => failures.push(`${name}: ${err.message}`));
    children.push({ name, child });
    return child;
  };
  const stop = async () => {
    for (const { child } of [...children].reverse()) if (child.exitCode === null) child.kill("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (
      children.some((c) => c.child.exitCode === null && c.child.signalCode === null) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const { child } of children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };

  try {
    certificates(dir);
    const token = "zt-e2e-admin-token";
    fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    startProcess("etcd", [
      "--data-dir",
      path.join(dir, "etcd"),
      "--listen-client-urls",
      `http://127.0.0.1:${etcdClient}`,
      "--advertise-client-urls",
      `http://127.0.0.1:${etcdClient}`,
      "--listen-peer-urls",
      `http://127.0.0.1:${etcdPeer}`,
      "--initial-advertise-peer-urls",
      `http://127.0.0.1:${etcdPeer}`,
      "--initial-cluster",
      `default=http://127.0.0.1:${etcdPeer}`,
      "--listen-metrics-urls",
      "",
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, kubeconfigFor(server, dir, token));
    startProcess("kube-apiserver", [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      "--tls-cert-file=apiserver.crt",
      "--tls-private-key-file=apiserver.key",
      "--client-ca-file=ca.crt",
      "--token-auth-file=tokens.csv",
      "--service-account-key-file=sa.pub",
      "--service-account-signing-key-file=sa.key",
      "--service-account-issuer=https://kubernetes.default.svc",
      "--authorization-mode=Node,RBAC",
      "--service-cluster-ip-range=10.96.0.0/16",
      // See the header: no webhook servers exist on fake nodes.
      "--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
    ]);
    const kubectl = (args: readonly string[]) =>
      runOrThrow(commands["kubectl"]!, ["--kubeconfig", kubeconfig, ...args]);
    const started = Date.now();
    for (;;) {
      try {
        if (kubectl(["get", "--raw", "/readyz"]).trim() === "ok") break;
      } catch {
        // not up yet
      }
      assertRunning();
      if (Date.now() - started > 90_000) throw new Error(`kube-apiserver not ready in 90 s; see ${logsDir}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    log(
      `kube-apiserver ${engineTools.kubernetes.version} ready on ${server} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    startProcess("kube-controller-manager", [
      `--kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--service-account-private-key-file=sa.key",
      "--root-ca-file=ca.crt",
      "--use-service-account-credentials",
      "--leader-elect=false",
      // No cloud and no real kubelets: nothing to allocate node CIDRs, routes or load balancers
      // for, and node health is kwok's simulation (its stage renews node leases).
      "--controllers=*,-node-ipam-controller,-node-route-controller,-service-lb-controller,-cloud-node-lifecycle-controller,-node-lifecycle-controller",
    ]);
    startProcess("kube-scheduler", [
      `--kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      "--secure-port=0",
      "--leader-elect=false",
    ]);
    startProcess("kwok", [
      `--kubeconfig=${kubeconfig}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--node-ip=127.0.0.1",
      ...kwokStages(options.kwokModuleDir).flatMap((file) => ["--config", file]),
    ]);
    for (let i = 0; i < options.nodes; i++) {
      const node = fakeNode(`kwok-node-${i}`);
      fs.writeFileSync(path.join(dir, `node-${i}.json`), JSON.stringify(node));
      kubectl(["apply", "-f", path.join(dir, `node-${i}.json`)]);
    }
    assertRunning();
    // The API server taints every new node not-ready (TaintNodesByCondition); the node-lifecycle
    // controller, off here, would lift it once kwok reports the node Ready. Lift it directly.
    kubectl(["taint", "nodes", "--all", "node.kubernetes.io/not-ready:NoSchedule-"]);
    return { kubeconfig, server, logsDir, kubectl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A node kwok manages: generous capacity, no taints, so every platform pod can be scheduled. */
function fakeNode(name: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
      },
    },
    status: {
      allocatable: { cpu: "32", memory: "128Gi", pods: "250", "ephemeral-storage": "200Gi" },
      capacity: { cpu: "32", memory: "128Gi", pods: "250", "ephemeral-storage": "200Gi" },
    },
  };
}
