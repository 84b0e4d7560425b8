module zt-blueprint/tools/image-policy-check

go 1.24

require github.com/sigstore/policy-controller v0.13.1

require (
	github.com/google/go-containerregistry v0.20.3 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
)
