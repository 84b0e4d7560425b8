/**
 * Alert rules for critical security findings (C-RT-3). Each names the control whose signal it
 * turns into an alert; tests check every one is present.
 */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: "critical" | "warning";
  readonly control: string;
  readonly summary: string;
}

export function securityAlertRules(tier: string): AlertRule[] {
  return [
    {
      alert: "ZtCriticalVulnerabilities",
      expr: 'sum by (namespace, resource_name) (trivy_image_vulnerabilities{severity="Critical"}) > 0',
      for: "15m",
      severity: "critical",
      control: "C-RT-2",
      summary: "Trivy found critical vulnerabilities in {{ $labels.namespace }}/{{ $labels.resource_name }}",
    },
    {
      alert: "ZtFalcoCriticalEvent",
      expr: 'sum by (rule, k8s_ns_name) (increase(falcosecurity_falco_rules_matches_total{priority=~"Emergency|Alert|Critical"}[5m])) > 0',
      for: "0m",
      severity: "critical",
      control: "C-RT-1",
      summary: "Falco rule {{ $labels.rule }} fired in {{ $labels.k8s_ns_name }}",
    },
    {
      alert: "ZtGatekeeperAuditViolations",
      expr: 'sum by (enforcement_action) (gatekeeper_violations{enforcement_action="deny"}) > 0',
      for: "30m",
      // In prod every violation of a deny constraint is an incident; elsewhere it is a finding.
      severity: tier === "prod" ? "critical" : "warning",
      control: "C-ADM-1",
      summary: "Gatekeeper audit found {{ $value }} violations of deny constraints",
    },
    {
      alert: "ZtMeshPlaintextTraffic",
      expr: 'sum by (destination_workload_namespace) (rate(istio_requests_total{reporter="destination", connection_security_policy!="mutual_tls"}[5m])) > 0',
      for: "5m",
      severity: "critical",
      control: "C-MESH-1",
      summary: "Traffic without mTLS reached {{ $labels.destination_workload_namespace }}",
    },
    {
      alert: "ZtMeshTlsHandshakeFailures",
      expr: "sum by (pod) (rate(envoy_listener_ssl_connection_error[5m])) > 0",
      for: "10m",
      severity: "warning",
      control: "C-MESH-1",
      summary: "mTLS handshakes fail at {{ $labels.pod }}",
    },
  ];
}
