// Storage account for the Functions host (AzureWebJobsStorage: leases, timers, Event Hubs checkpoints),
// the Flex Consumption deployment package container, and the app's tables (`alerts`, `parkedtelemetry`).
// Shared key access is disabled: every caller authenticates with Entra ID (RBAC in access.bicep).
param name string
param location string
param tags object = {}
param deploymentContainerName string
param alertsTableName string = 'alerts'
@description('Telemetry batches parked after the ingest function exhausted its retries; replayed by a timer.')
param parkedTelemetryTableName string = 'parkedtelemetry'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// The app creates these tables itself if missing; declaring them here makes the deployment complete on its own.
resource alertsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: alertsTableName
}

resource parkedTelemetryTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: parkedTelemetryTableName
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
// https://{account}.table.core.windows.net/ (the service's own endpoint, right for every cloud), for
// Fleet__Tables__Endpoint; the app trims the trailing slash.
output tablesEndpoint string = account.properties.primaryEndpoints.table
output alertsTableName string = alertsTable.name
output parkedTelemetryTableName string = parkedTelemetryTable.name
