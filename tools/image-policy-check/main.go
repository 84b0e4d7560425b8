// Command image-policy-check decides which ClusterImagePolicies cover each container image, with
// sigstore policy-controller's own glob matching (pkg/apis/glob, v0.13.1), and what the webhook
// does with an image no policy covers: pkg/webhook/validator.go setNoMatchingPoliciesError reads
// no-match-policy (pkg/config/store.go: allow|warn|deny, anything else fails closed to deny).
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/sigstore/policy-controller/pkg/apis/glob"
)

type policy struct {
	Name   string   `json:"name"`
	Images []string `json:"images"`
}

type image struct {
	ID    string `json:"id"`
	Image string `json:"image"`
}

type request struct {
	Policies      []policy `json:"policies"`
	NoMatchPolicy string   `json:"noMatchPolicy"`
	Images        []image  `json:"images"`
}

type result struct {
	ID              string   `json:"id"`
	Image           string   `json:"image"`
	MatchedPolicies []string `json:"matchedPolicies"`
	Verdict         string   `json:"verdict"`
}

// noMatchVerdict mirrors pkg/config/store.go NewPolicyControllerConfigFromMap: unknown or empty is deny.
func noMatchVerdict(setting string) string {
	switch setting {
	case "allow", "warn":
		return setting
	default:
		return "deny"
	}
}

func matched(policies []policy, img string) ([]string, error) {
	names := []string{}
	for _, p := range policies {
		for _, g := range p.Images {
			ok, err := glob.Match(g, img)
			if err != nil {
				return nil, fmt.Errorf("policy %s glob %q image %q: %w", p.Name, g, img, err)
			}
			if ok {
				names = append(names, p.Name)
				break
			}
		}
	}
	return names, nil
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "image-policy-check: bad request:", err)
		os.Exit(2)
	}
	results := []result{}
	for _, img := range req.Images {
		names, err := matched(req.Policies, img.Image)
		if err != nil {
			fmt.Fprintln(os.Stderr, "image-policy-check:", err)
			os.Exit(1)
		}
		verdict := "verify"
		if len(names) == 0 {
			verdict = noMatchVerdict(req.NoMatchPolicy)
		}
		results = append(results, result{img.ID, img.Image, names, verdict})
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{"results": results}); err != nil {
		os.Exit(1)
	}
}
