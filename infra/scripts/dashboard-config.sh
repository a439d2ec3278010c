#!/bin/sh
# azd postprovision hook: the dashboard is served from Static Web Apps, on another origin than the API, so it is told
# the Function App's URL (an azd output) before `azd deploy web` uploads the folder. It writes two files there:
# - config.json: the API's URL; map tiles only when a tile server is named (DASHBOARD_TILE_URL,
#   DASHBOARD_TILE_ATTRIBUTION; the map works without); sign-in with Entra ID when the dashboard's own app registration
#   (a single-page application whose redirect URI is the dashboard's URL) is named by DASHBOARD_CLIENT_ID, asking for
#   DASHBOARD_API_SCOPE (e.g. api://<api app>/.default; Entra v2 access tokens then carry the API app's client id as
#   audience, which Fleet:Auth:Audience must be).
# - staticwebapp.config.json: the browser protections the local host sends (functions/Fleet.LocalHost/Dashboard/
#   SecurityHeaders.cs), with the Function App, SignalR Service and sign-in authority as the only other origins the page
#   may connect to, and the tile server the only other one it may load images from.
# Values go through jq, never pasted into JSON text: an attribution with quotes stays one string.
set -eu
: "${FUNCTION_APP_URL:?run through azd, which sets the provisioning outputs}"
: "${SIGNALR_SERVICE_URI:?run through azd, which sets the provisioning outputs}"
command -v jq >/dev/null || { echo "dashboard-config.sh needs jq (apt-get install jq, brew install jq, winget install jqlang.jq)" >&2; exit 1; }
dashboard_dir=${DASHBOARD_DIR:-functions/dashboard}

sign_in_authority=""
if [ -n "${DASHBOARD_CLIENT_ID:-}" ]; then
  : "${AZURE_TENANT_ID:?}" "${DASHBOARD_API_SCOPE:?set the API scope the dashboard asks for}"
  sign_in_authority="https://login.microsoftonline.com/${AZURE_TENANT_ID}/v2.0"
fi

jq -n \
  --arg api_base "$FUNCTION_APP_URL" \
  --arg tile_url "${DASHBOARD_TILE_URL:-}" \
  --arg tile_attribution "${DASHBOARD_TILE_ATTRIBUTION:-}" \
  --arg authority "$sign_in_authority" \
  --arg client_id "${DASHBOARD_CLIENT_ID:-}" \
  --arg scope "${DASHBOARD_API_SCOPE:-}" \
  '{api_base: $api_base,
    tile_url: (if $tile_url == "" then null else $tile_url end),
    tile_attribution: $tile_attribution,
    sign_in: (if $client_id == "" then null else {authority: $authority, client_id: $client_id, scope: $scope} end)}' \
  > "$dashboard_dir/config.json"

# Origins as the local host derives them: scheme://host[:port]; a tile template's {s} subdomain becomes a wildcard.
jq -n \
  --arg api "$FUNCTION_APP_URL" \
  --arg signalr "$SIGNALR_SERVICE_URI" \
  --arg authority "$sign_in_authority" \
  --arg tiles "${DASHBOARD_TILE_URL:-}" \
  'def origin: if test("^https?://") then capture("^(?<o>https?://[^/?#]+)").o | ascii_downcase else error("not an http(s) URL: \(.)") end;
   def extra: if . == "" then "" else " " + origin end;
   ($signalr | origin) as $hub
   | {globalHeaders: {
       "Content-Security-Policy": ([
         "default-src '"'"'self'"'"'",
         "script-src '"'"'self'"'"'",
         "style-src '"'"'self'"'"' '"'"'unsafe-inline'"'"'",
         "img-src '"'"'self'"'"' data:" + ($tiles | gsub("\\{s\\}"; "subdomain-placeholder") | extra | gsub("subdomain-placeholder"; "*")),
         "connect-src '"'"'self'"'"' " + ($api | origin) + " " + $hub + " " + ($hub | sub("^http"; "ws")) + ($authority | extra),
         "object-src '"'"'none'"'"'",
         "base-uri '"'"'none'"'"'",
         "form-action '"'"'self'"'"'",
         "frame-ancestors '"'"'none'"'"'"] | join("; ")),
       "X-Content-Type-Options": "nosniff",
       "X-Frame-Options": "DENY",
       "Referrer-Policy": "no-referrer"}}' \
  > "$dashboard_dir/staticwebapp.config.json"
echo "dashboard-config.sh: wrote $dashboard_dir/config.json and $dashboard_dir/staticwebapp.config.json"
