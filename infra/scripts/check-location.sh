#!/bin/sh
# azd preprovision hook: the Function App runs on Flex Consumption with the dotnet-isolated runtime
# (infra/modules/functionapp.bicep), which only some regions offer. In any other region the deployment fails at the
# Function App, after everything else has been created; this stops `azd provision` before anything is, and names the
# regions that would work. It needs the Azure CLI signed in (`az login`). FLEET_SKIP_LOCATION_CHECK=true skips it
# (no Azure CLI at hand, or a region the CLI does not list yet).
set -eu
runtime=dotnet-isolated # functionAppConfig.runtime.name in functionapp.bicep; a test keeps the two the same

if [ "${FLEET_SKIP_LOCATION_CHECK:-}" = true ]; then
  echo "check-location.sh: skipped (FLEET_SKIP_LOCATION_CHECK=true)"
  exit 0
fi

# `azd up` asks for the region before any hook runs; a first `azd provision` may ask only afterwards.
location=$(printf '%s' "${AZURE_LOCATION:-}" | tr -d ' ' | tr 'A-Z' 'a-z')
if [ -z "$location" ]; then
  echo "check-location.sh: AZURE_LOCATION is not set yet, so the region is not checked;" \
    "az functionapp list-flexconsumption-locations --runtime $runtime lists the regions that work" >&2
  exit 0
fi

command -v az >/dev/null || {
  echo "check-location.sh needs the Azure CLI, signed in (az login), to check that $location offers Flex Consumption" \
    "with $runtime; or set FLEET_SKIP_LOCATION_CHECK=true to skip the check" >&2
  exit 1
}
regions=$(az functionapp list-flexconsumption-locations --runtime "$runtime" --query "[].name" -o tsv) || {
  echo "check-location.sh: could not list the Flex Consumption regions (is the Azure CLI signed in? az login);" \
    "FLEET_SKIP_LOCATION_CHECK=true skips the check" >&2
  exit 1
}
# The Azure CLI on Windows ends its lines with CR.
regions=$(printf '%s\n' "$regions" | tr -d '\r')
if ! printf '%s\n' "$regions" | grep -qx "$location"; then
  echo "check-location.sh: $location does not offer Flex Consumption with $runtime, so the Function App could not be" \
    "created there. Regions that do: $(printf '%s\n' "$regions" | sort | paste -sd ' ' -)." \
    "Choose one with: azd env set AZURE_LOCATION <region>" >&2
  exit 1
fi
