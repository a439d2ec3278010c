// Storage account for the Functions host (AzureWebJobsStorage: leases, timers, Event Hubs checkpoints),
// the Flex Consumption deployment package container, and the `alerts` table.
// Shared key access is disabled: every caller authenticates with Entra ID (RBAC in access.bicep).
param name string
param location string
param tags object = {}
param deploymentContainerName string
param alertsTableName string = 'alerts'

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

resource alertsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: alertsTableName
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
// https://{account}.table.core.windows.net (no trailing slash), as the app expects in Fleet__Tables__Endpoint.
output tablesEndpoint string = 'https://${account.name}.table.${environment().suffixes.storage}'
output alertsTableName string = alertsTable.name
