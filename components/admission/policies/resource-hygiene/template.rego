# C-ADM-4: every container declares CPU and memory requests and limits, every pod carries the
# ownership labels, and nothing runs in the default namespace.
package ztresourcehygiene

containers[c] {
	c := input.review.object.spec.containers[_]
}

containers[c] {
	c := input.review.object.spec.initContainers[_]
}

namespace = ns {
	ns := object.get(input.review.object.metadata, "namespace", object.get(input.review, "namespace", ""))
}

violation[{"msg": msg}] {
	namespace == "default"
	msg := "workloads may not run in the default namespace"
}

violation[{"msg": msg}] {
	c := containers[_]
	kind := ["requests", "limits"][_]
	resource := ["cpu", "memory"][_]
	not c.resources[kind][resource]
	msg := sprintf("container %v has no %v %v", [c.name, resource, kind])
}

violation[{"msg": msg}] {
	label := input.parameters.requiredLabels[_]
	not input.review.object.metadata.labels[label]
	msg := sprintf("missing required label %v", [label])
}
