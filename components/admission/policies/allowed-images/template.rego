# C-ADM-3: images come only from the allowed registries, never ":latest" or untagged, and, where
# the constraint requires it (prod), are pinned by digest.
package ztallowedimages

containers[c] {
	c := input.review.object.spec.containers[_]
}

containers[c] {
	c := input.review.object.spec.initContainers[_]
}

containers[c] {
	c := input.review.object.spec.ephemeralContainers[_]
}

# The image without its digest, e.g. "registry.example.com/app:1.2" from "...:1.2@sha256:...".
reference(image) = ref {
	ref := split(image, "@")[0]
}

tagged(image) {
	parts := split(reference(image), "/")
	contains(parts[count(parts) - 1], ":")
}

from_allowed_registry(image) {
	registry := input.parameters.registries[_]
	startswith(image, concat("", [registry, "/"]))
}

violation[{"msg": msg}] {
	c := containers[_]
	not from_allowed_registry(c.image)
	msg := sprintf("container %v image %v is not from an allowed registry %v", [c.name, c.image, input.parameters.registries])
}

violation[{"msg": msg}] {
	c := containers[_]
	endswith(reference(c.image), ":latest")
	msg := sprintf("container %v image %v uses the mutable tag latest", [c.name, c.image])
}

violation[{"msg": msg}] {
	c := containers[_]
	not tagged(c.image)
	not contains(c.image, "@")
	msg := sprintf("container %v image %v has neither a tag nor a digest", [c.name, c.image])
}

violation[{"msg": msg}] {
	input.parameters.requireDigest == true
	c := containers[_]
	not contains(c.image, "@sha256:")
	msg := sprintf("container %v image %v must be pinned by digest", [c.name, c.image])
}
