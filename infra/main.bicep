// FleetFunctions: entry point.
// Subscription scope: creates the resource group, then deploys every resource through resources.bicep.
//   azd up                         -> uses this file with main.parameters.json
//   az deployment sub create ...   -> same file, parameters on the command line
// To deploy into an existing resource group instead, use resources.bicep with `az deployment group create`.
// No secrets: every connection is identity-based; no parameter is a password or key.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Environment name (azd: AZURE_ENV_NAME). Used for the resource group name and the resource name suffix.')
param environmentName string

@minLength(1)
@description('Azure region for all resources except the Static Web App (azd: AZURE_LOCATION).')
param location string

@description('Region for the Static Web App (only a few regions host Static Web Apps).')
@allowed([
  'centralus'
  'eastus2'
  'eastasia'
  'westeurope'
  'westus2'
])
param staticWebAppLocation string = 'westeurope'

@description('Resource group name. Empty = rg-<environmentName>.')
param resourceGroupName string = ''

@description('Event Hubs partition count for the telemetry hub (Standard: 1-32, fixed after creation).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Event Hubs throughput units (Standard: 1-40).')
@minValue(1)
@maxValue(40)
param eventHubThroughputUnits int = 1

@description('Dedicated consumer group used by the Functions Event Hub trigger.')
param eventHubConsumerGroupName string = 'fleet-functions'

@description('SignalR Service units (Standard_S1).')
@allowed([
  1
  2
  5
  10
  20
  50
  100
])
param signalRCapacity int = 1

@description('Extra browser origins allowed by SignalR CORS and the Function App CORS (the Static Web App origin is always added).')
param extraAllowedOrigins array = []

@description('Entra tenant that issues user tokens for the HTTP API. Defaults to the deployment tenant.')
param authTenantId string = tenant().tenantId

@description('Entra object id of the first platform operator, who creates companies (azd: FLEET_OPERATOR_OBJECT_ID); empty for none.')
param operatorObjectId string = ''

@minLength(1)
@description('Audience of user tokens: the API app registration\'s client id, which Entra v2 access tokens carry as aud (azd: FLEET_AUTH_AUDIENCE).')
param authAudience string

@description('Flex Consumption maximum instance count.')
@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Flex Consumption instance memory (MB).')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('PostgreSQL Flexible Server SKU name.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL Flexible Server SKU tier.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL major version.')
param postgresVersion string = '16'

@description('Optional principal (user or service principal object id) that runs the device simulator against Azure: gets Azure Event Hubs Data Sender on the telemetry hub (azd: FLEET_SIMULATOR_PRINCIPAL_ID). Empty = none.')
param simulatorPrincipalId string = ''

@description('Principal type of simulatorPrincipalId (azd: FLEET_SIMULATOR_PRINCIPAL_TYPE, default User); a service principal given as User fails its role assignment.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param simulatorPrincipalType string = 'User'

@description('Keep Event Hubs local (SAS) authentication disabled. Devices then need Entra tokens (Azure Event Hubs Data Sender); set false only if devices must use SAS (this also creates a Send-only rule `devices-send` on the hub). See docs/INFRA-REVIEW.md.')
param eventHubsDisableLocalAuth bool = true

@description('Tags applied to every resource.')
param tags object = {}

var allTags = union(tags, { 'azd-env-name': environmentName })
var rgName = empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: rgName
  location: location
  tags: allTags
}

module resources 'resources.bicep' = {
  name: 'fleet-resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    staticWebAppLocation: staticWebAppLocation
    eventHubPartitionCount: eventHubPartitionCount
    eventHubThroughputUnits: eventHubThroughputUnits
    eventHubConsumerGroupName: eventHubConsumerGroupName
    signalRCapacity: signalRCapacity
    extraAllowedOrigins: extraAllowedOrigins
    authTenantId: authTenantId
    authAudience: authAudience
    operatorObjectId: operatorObjectId
    functionMaximumInstanceCount: functionMaximumInstanceCount
    functionInstanceMemoryMB: functionInstanceMemoryMB
    postgresSkuName: postgresSkuName
    postgresSkuTier: postgresSkuTier
    postgresVersion: postgresVersion
    simulatorPrincipalId: simulatorPrincipalId
    simulatorPrincipalType: simulatorPrincipalType
    eventHubsDisableLocalAuth: eventHubsDisableLocalAuth
    tags: allTags
  }
}

// Upper-case outputs become azd environment values (azd env get-values).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = resources.outputs.functionAppName
output FUNCTION_APP_URL string = resources.outputs.functionAppUrl
output NEGOTIATE_URL string = resources.outputs.negotiateUrl
output DASHBOARD_URL string = resources.outputs.dashboardUrl
output SIGNALR_SERVICE_URI string = resources.outputs.signalRServiceUri
output EVENTHUBS_FULLY_QUALIFIED_NAMESPACE string = resources.outputs.eventHubsFullyQualifiedNamespace
output EVENTHUB_NAME string = resources.outputs.eventHubName
output POSTGRES_HOST string = resources.outputs.postgresHost
output TABLES_ENDPOINT string = resources.outputs.tablesEndpoint
output APP_IDENTITY_NAME string = resources.outputs.identityName
output APP_IDENTITY_CLIENT_ID string = resources.outputs.identityClientId
