#!/bin/sh
# azd postprovision hook: the dashboard is served from Static Web Apps, on another origin than the API, so it is told
# the Function App's URL (an azd output) before `azd deploy web` uploads the folder. Map tiles only when a tile server
# is named (DASHBOARD_TILE_URL, with DASHBOARD_TILE_ATTRIBUTION); the map works without one.
set -eu
: "${FUNCTION_APP_URL:?run through azd, which sets the provisioning outputs}"
tile_url=null
if [ -n "${DASHBOARD_TILE_URL:-}" ]; then
  tile_url="\"$DASHBOARD_TILE_URL\""
fi
cat > functions/dashboard/config.json <<JSON
{"api_base": "${FUNCTION_APP_URL}", "tile_url": ${tile_url}, "tile_attribution": "${DASHBOARD_TILE_ATTRIBUTION:-}"}
JSON
