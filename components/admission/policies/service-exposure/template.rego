# C-ADM-7: LoadBalancer and NodePort services only in the ingress namespaces; everything else is
# reached through the mesh ingress gateway.
package ztserviceexposure

exposed := {"LoadBalancer", "NodePort"}

namespace = ns {
	ns := object.get(input.review.object.metadata, "namespace", object.get(input.review, "namespace", ""))
}

violation[{"msg": msg}] {
	type := object.get(input.review.object.spec, "type", "ClusterIP")
	exposed[type]
	not namespace_allowed
	msg := sprintf("service type %v is only allowed in %v", [type, input.parameters.allowedNamespaces])
}

namespace_allowed {
	input.parameters.allowedNamespaces[_] == namespace
}
