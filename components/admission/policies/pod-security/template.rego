# C-ADM-2: pods run under the restricted profile. Every container (init and ephemeral too) must
# run as non-root, drop ALL capabilities and add none, use a read-only root filesystem, forbid
# privilege escalation and use a RuntimeDefault (or Localhost) seccomp profile; the pod may not
# share host namespaces, mount host paths or bind host ports.
package ztpodsecurity

spec := input.review.object.spec

containers[c] {
	c := spec.containers[_]
}

containers[c] {
	c := spec.initContainers[_]
}

containers[c] {
	c := spec.ephemeralContainers[_]
}

# A container setting falls back to the pod-level setting, as Kubernetes applies it.
setting(c, path, default_value) = value {
	value := object.get(c, array.concat(["securityContext"], path), object.get(spec, array.concat(["securityContext"], path), default_value))
}

violation[{"msg": msg}] {
	field := ["hostPID", "hostIPC", "hostNetwork"][_]
	object.get(spec, field, false) == true
	msg := sprintf("%v is not allowed", [field])
}

violation[{"msg": msg}] {
	volume := spec.volumes[_]
	volume.hostPath
	msg := sprintf("hostPath volume %v is not allowed", [volume.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	object.get(c, ["securityContext", "privileged"], false) == true
	msg := sprintf("container %v is privileged", [c.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	port := c.ports[_]
	object.get(port, "hostPort", 0) != 0
	msg := sprintf("container %v binds host port %v", [c.name, port.hostPort])
}

violation[{"msg": msg}] {
	c := containers[_]
	setting(c, ["runAsNonRoot"], false) != true
	msg := sprintf("container %v must set runAsNonRoot: true", [c.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	setting(c, ["runAsUser"], -1) == 0
	msg := sprintf("container %v runs as UID 0", [c.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	not drops_all(c)
	msg := sprintf("container %v must drop ALL capabilities", [c.name])
}

drops_all(c) {
	upper(c.securityContext.capabilities.drop[_]) == "ALL"
}

violation[{"msg": msg}] {
	c := containers[_]
	count(object.get(c, ["securityContext", "capabilities", "add"], [])) > 0
	msg := sprintf("container %v adds capabilities %v", [c.name, c.securityContext.capabilities.add])
}

violation[{"msg": msg}] {
	c := containers[_]
	object.get(c, ["securityContext", "readOnlyRootFilesystem"], false) != true
	msg := sprintf("container %v must use a read-only root filesystem", [c.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	object.get(c, ["securityContext", "allowPrivilegeEscalation"], true) != false
	msg := sprintf("container %v must set allowPrivilegeEscalation: false", [c.name])
}

violation[{"msg": msg}] {
	c := containers[_]
	not {"RuntimeDefault", "Localhost"}[setting(c, ["seccompProfile", "type"], "")]
	msg := sprintf("container %v must use the RuntimeDefault seccomp profile", [c.name])
}
