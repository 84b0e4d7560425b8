/**
 * Image references in stack config: a tag or a sha256 digest, and never a placeholder digest.
 * An all-zero (or any short repeated pattern) digest names no image any registry serves, so a
 * pod using it could never be pulled; a real sha256 digest is never periodic.
 */

/** What the example stacks put where your mirror's digest goes; refused until it is replaced. */
export const mirrorDigestMarker = "REPLACE-WITH-YOUR-MIRROR-DIGEST";

const imageReference = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+(:[\w.-]+|@sha256:[a-f0-9]{64})$/;

/** True when the 64 hex characters repeat a unit of at most 16 (000…, abab…, deadbeef…). */
export function isPlaceholderDigest(hex: string): boolean {
  for (let unit = 1; unit <= 16; unit++) {
    if (hex.length % unit === 0 && hex === hex.slice(0, unit).repeat(hex.length / unit)) return true;
  }
  return false;
}

/** Why `image` is refused, or undefined. `what` names the image in the message, e.g. "Keycloak 26.7.3". */
export function imageReferenceProblem(image: string, what: string): string | undefined {
  if (image.includes(mirrorDigestMarker)) {
    return `still holds the example's ${mirrorDigestMarker}: mirror ${what} into your registry and put its digest here (e.g. \`crane digest <mirror>:<tag>\`)`;
  }
  if (!imageReference.test(image)) {
    return "must be an image reference with a tag or digest, e.g. registry.example.com/mirror/keycloak@sha256:<64 hex>";
  }
  const digest = /@sha256:([a-f0-9]{64})$/.exec(image)?.[1];
  if (digest && isPlaceholderDigest(digest)) {
    return `has a placeholder digest (sha256:${digest.slice(0, 8)}…) that no registry serves: the pod could never be pulled; use your mirror's real digest (e.g. \`crane digest <mirror>:<tag>\`)`;
  }
  return undefined;
}
