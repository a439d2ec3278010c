#!/bin/sh
# azd postprovision hook: the dashboard is served from Static Web Apps, on another origin than the API, so it is told
# the Function App's URL (an azd output) before `azd deploy web` uploads the folder.
# - Map tiles only when a tile server is named (DASHBOARD_TILE_URL, DASHBOARD_TILE_ATTRIBUTION); the map works without.
# - Sign-in with Entra ID when the dashboard's own app registration (a single-page application whose redirect URI is
#   the dashboard's URL) is named by DASHBOARD_CLIENT_ID, asking for DASHBOARD_API_SCOPE (e.g. api://<api app>/.default;
#   Entra v2 access tokens then carry the API app's client id as audience, which Fleet:Auth:Audience must be).
set -eu
: "${FUNCTION_APP_URL:?run through azd, which sets the provisioning outputs}"
tile_url=null
if [ -n "${DASHBOARD_TILE_URL:-}" ]; then
  tile_url="\"$DASHBOARD_TILE_URL\""
fi
sign_in=null
if [ -n "${DASHBOARD_CLIENT_ID:-}" ]; then
  : "${AZURE_TENANT_ID:?}" "${DASHBOARD_API_SCOPE:?set the API scope the dashboard asks for}"
  sign_in="{\"authority\": \"https://login.microsoftonline.com/${AZURE_TENANT_ID}/v2.0\", \"client_id\": \"${DASHBOARD_CLIENT_ID}\", \"scope\": \"${DASHBOARD_API_SCOPE}\"}"
fi
cat > functions/dashboard/config.json <<JSON
{"api_base": "${FUNCTION_APP_URL}", "tile_url": ${tile_url}, "tile_attribution": "${DASHBOARD_TILE_ATTRIBUTION:-}", "sign_in": ${sign_in}}
JSON
