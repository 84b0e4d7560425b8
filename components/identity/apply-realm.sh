#!/bin/bash
# Applies the platform realm (C-ID-2, C-ID-5) from the files the Keycloak component renders into
# /realm. Idempotent: the first run imports the whole realm; later runs re-apply realm settings
# and the kubectl client, and create missing groups without touching their members. It ends
# with a drift check that fails the job (and `pulumi up`) if the browser flow no longer demands
# a second factor. The admin password is read from a mounted file and passed as an argument:
# kcadm.sh has no other non-interactive way, and this pod runs nothing else that could read it.
set -euo pipefail

config=/tmp/kcadm.config
kcadm() { /opt/keycloak/bin/kcadm.sh "$@" --config "$config"; }
realm=$(cat /realm/realm-name)

for attempt in $(seq 1 60); do
  if kcadm config credentials --server "$KEYCLOAK_URL" --realm master \
    --user "$KC_ADMIN_USER" --password "$(cat "$KC_ADMIN_PASSWORD_FILE")" >/dev/null 2>&1; then
    break
  fi
  if [ "$attempt" = 60 ]; then
    echo "Keycloak at $KEYCLOAK_URL did not accept the admin login within 5 minutes" >&2
    exit 1
  fi
  sleep 5
done

if kcadm get "realms/$realm" >/dev/null 2>&1; then
  echo "realm $realm exists: re-applying settings, the kubectl client and missing groups"
  kcadm update "realms/$realm" -f /realm/settings.json
  kcadm create partialImport -r "$realm" -f /realm/clients.json >/dev/null
  kcadm create partialImport -r "$realm" -f /realm/groups.json >/dev/null
else
  echo "creating realm $realm"
  kcadm create realms -f /realm/realm.json
fi

# Required actions are not part of a realm update: set OTP enrolment explicitly every time.
kcadm update authentication/required-actions/CONFIGURE_TOTP -r "$realm" \
  -s enabled=true -s defaultAction=true

flow=$(kcadm get "realms/$realm" --fields browserFlow --format csv --noquotes)
if [ "$flow" != "browser-mfa" ]; then
  echo "drift: realm $realm binds browser flow '$flow', expected browser-mfa" >&2
  exit 1
fi
if ! kcadm get "authentication/flows/browser-mfa/executions" -r "$realm" \
  --fields providerId,requirement --format csv --noquotes | grep -Eq '^"?auth-otp-form"?,"?(REQUIRED|ALTERNATIVE)'; then
  echo "drift: browser-mfa no longer contains an enabled OTP step" >&2
  exit 1
fi
echo "realm $realm applied; browser flow requires a second factor"
