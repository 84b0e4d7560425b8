#!/bin/bash
# Applies the platform realm (C-ID-2, C-ID-5) from the files the Keycloak component renders into
# /realm. Idempotent: the first run imports the whole realm; later runs re-apply realm settings
# and the kubectl client, and create missing groups without touching their members. It ends
# with a drift check that fails the job (and `pulumi up`) if the browser flow no longer demands
# a second factor. The admin password is read from a mounted file and passed as an argument:
# kcadm.sh has no other non-interactive way, and this pod runs nothing else that could read it.
set -euo pipefail
# Only bash builtins and kcadm.sh: Keycloak's image is UBI micro, with few tools besides bash.

config=${TMPDIR:-/tmp}/kcadm.config
# KCADM is overridable so tests can run this script against a fake admin CLI.
kcadm() { "${KCADM:-/opt/keycloak/bin/kcadm.sh}" "$@" --config "$config"; }
realm_dir=${REALM_DIR:-/realm}
realm=$(<"$realm_dir/realm-name")

for ((attempt = 1; attempt <= 60; attempt++)); do
  if kcadm config credentials --server "$KEYCLOAK_URL" --realm master \
    --user "$KC_ADMIN_USER" --password "$(<"$KC_ADMIN_PASSWORD_FILE")" >/dev/null 2>&1; then
    break
  fi
  if [ "$attempt" = 60 ]; then
    echo "Keycloak at $KEYCLOAK_URL did not accept the admin login within 5 minutes" >&2
    exit 1
  fi
  # bash has no sleep builtin; read's timeout on a silent descriptor waits the same.
  read -r -t 5 <> <(:) || true
done

if kcadm get "realms/$realm" >/dev/null 2>&1; then
  echo "realm $realm exists: re-applying settings, the kubectl client and missing groups"
  kcadm update "realms/$realm" -f "$realm_dir/settings.json"
  kcadm create partialImport -r "$realm" -f "$realm_dir/clients.json" >/dev/null
  kcadm create partialImport -r "$realm" -f "$realm_dir/groups.json" >/dev/null
else
  echo "creating realm $realm"
  kcadm create realms -f "$realm_dir/realm.json"
fi

# Required actions are not part of a realm update: set OTP enrolment explicitly every time.
kcadm update authentication/required-actions/CONFIGURE_TOTP -r "$realm" \
  -s enabled=true -s defaultAction=true

flow=$(kcadm get "realms/$realm" --fields browserFlow --format csv --noquotes)
if [ "$flow" != "browser-mfa" ]; then
  echo "drift: realm $realm binds browser flow '$flow', expected browser-mfa" >&2
  exit 1
fi
executions=$(kcadm get "authentication/flows/browser-mfa/executions" -r "$realm" \
  --fields providerId,requirement --format csv --noquotes)
if [[ ! $executions =~ auth-otp-form,(REQUIRED|ALTERNATIVE) ]]; then
  echo "drift: browser-mfa no longer contains an enabled OTP step" >&2
  exit 1
fi
# An existing realm keeps the flows it was first imported with: a realm from an older release
# still has that release's flow shape (one that locked out users without a second factor).
while read -r provider; do
  if [[ -n $provider && ! $executions =~ (^|$'\n')$provider, ]]; then
    echo "drift: browser-mfa has no $provider step: the realm keeps the browser flow it was created with;" \
      "rebuild the flow as docs/identity.md 'Upgrading the browser flow' describes" >&2
    exit 1
  fi
done <"$realm_dir/flow-providers"
echo "realm $realm applied; browser flow requires a second factor"
