# C-MESH-4: pods in mesh namespaces may not opt out of sidecar injection, by annotation or label.
package ztmeshinjection

violation[{"msg": msg}] {
	source := ["annotations", "labels"][_]
	value := object.get(input.review.object.metadata, [source, "sidecar.istio.io/inject"], "true")
	lower(value) == "false"
	msg := sprintf("pods in mesh namespaces may not disable sidecar injection (%v sidecar.istio.io/inject=false)", [source])
}
