// FleetFunctions: every resource, in one resource group.
// Deployed by main.bicep (subscription scope, azd), or directly into an existing resource group:
//   az deployment group create -g <rg> -f infra/resources.bicep -p environmentName=<env> authAudience=<aud>
targetScope = 'resourceGroup'

@description('Environment name; part of the resource name suffix.')
param environmentName string

@description('Region for all resources except the Static Web App.')
param location string = resourceGroup().location

@description('Region for the Static Web App.')
param staticWebAppLocation string = 'westeurope'

@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@minValue(1)
@maxValue(40)
param eventHubThroughputUnits int = 1

param eventHubConsumerGroupName string = 'fleet-functions'

param signalRCapacity int = 1

param extraAllowedOrigins array = []

param authTenantId string = tenant().tenantId

@description('Entra object id of the first platform operator, who creates companies (azd: FLEET_OPERATOR_OBJECT_ID); empty for none.')
param operatorObjectId string = ''

@description('Audience of user tokens accepted by the HTTP API.')
param authAudience string

@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

param functionInstanceMemoryMB int = 2048

param postgresSkuName string = 'Standard_B1ms'

param postgresSkuTier string = 'Burstable'

param postgresVersion string = '16'

param simulatorPrincipalId string = ''

param simulatorPrincipalType string = 'User'

param eventHubsDisableLocalAuth bool = true

param tags object = {}

// ---------------------------------------------------------------- names
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var names = {
  identity: 'id-fleet-${resourceToken}'
  logAnalytics: 'log-fleet-${resourceToken}'
  appInsights: 'appi-fleet-${resourceToken}'
  storage: 'stfleet${resourceToken}' // 3-24 lower-case letters and digits
  eventHubs: 'evhns-fleet-${resourceToken}'
  signalR: 'sigr-fleet-${resourceToken}'
  postgres: 'psql-fleet-${resourceToken}'
  staticWebApp: 'stapp-fleet-${resourceToken}'
  plan: 'plan-fleet-${resourceToken}'
  functionApp: 'func-fleet-${resourceToken}'
}
var eventHubName = 'telemetry'
var deploymentContainerName = 'app-package-${take(resourceToken, 8)}'
var alertsTableName = 'alerts'
var parkedTelemetryTableName = 'parkedtelemetry'
var postgresDatabaseName = 'fleet'

// ---------------------------------------------------------------- modules
module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    alertsTableName: alertsTableName
    parkedTelemetryTableName: parkedTelemetryTableName
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    namespaceName: names.eventHubs
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    throughputUnits: eventHubThroughputUnits
    consumerGroupName: eventHubConsumerGroupName
    disableLocalAuth: eventHubsDisableLocalAuth
  }
}

// Static hosting for functions/dashboard (azd service "web", host: staticwebapp).
module dashboard 'modules/staticweb.bicep' = {
  name: 'dashboard'
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    tags: union(tags, { 'azd-service-name': 'web' })
  }
}

var allowedOrigins = union([ dashboard.outputs.origin ], extraAllowedOrigins)

module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    name: names.signalR
    location: location
    tags: tags
    capacity: signalRCapacity
    allowedOrigins: allowedOrigins
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: names.postgres
    location: location
    tags: tags
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    version: postgresVersion
    databaseName: postgresDatabaseName
    tenantId: tenant().tenantId
  }
}

// Every role assignment (and the PostgreSQL Entra administrator) lives in this one module.
module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    principalId: identity.outputs.principalId
    identityName: identity.outputs.name
    tenantId: tenant().tenantId
    storageAccountName: storage.outputs.name
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.eventHubName
    signalRName: signalR.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    postgresServerName: postgres.outputs.name
    simulatorPrincipalId: simulatorPrincipalId
    simulatorPrincipalType: simulatorPrincipalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    tablesEndpoint: storage.outputs.tablesEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    eventHubsFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.eventHubName
    eventHubConsumerGroupName: eventHubs.outputs.consumerGroupName
    signalRServiceUri: signalR.outputs.serviceUri
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresDatabaseName: postgres.outputs.databaseName
    authTenantId: authTenantId
    authAudience: authAudience
    operatorObjectId: operatorObjectId
    allowedOrigins: allowedOrigins
    dashboardUrl: dashboard.outputs.origin
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
  }
  // Start the host only once its identity holds its roles (storage, Event Hubs, SignalR, App Insights, PostgreSQL admin).
  dependsOn: [
    access
  ]
}

output functionAppName string = functionApp.outputs.name
output functionAppUrl string = functionApp.outputs.url
output negotiateUrl string = '${functionApp.outputs.url}/api/negotiate'
output dashboardUrl string = dashboard.outputs.origin
output signalRServiceUri string = signalR.outputs.serviceUri
output eventHubsFullyQualifiedNamespace string = eventHubs.outputs.fullyQualifiedNamespace
output eventHubName string = eventHubs.outputs.eventHubName
output postgresHost string = postgres.outputs.fullyQualifiedDomainName
output tablesEndpoint string = storage.outputs.tablesEndpoint
output identityName string = identity.outputs.name
output identityClientId string = identity.outputs.clientId
