// Azure Database for PostgreSQL Flexible Server with Microsoft Entra authentication only (no password login,
// so no administrator password exists anywhere). The Entra administrator (the app's managed identity) is set in
// access.bicep together with every other access grant.
param name string
param location string
param tags object = {}
param skuName string = 'Standard_B1ms'
param skuTier string = 'Burstable'
param version string = '16'

@minValue(32)
param storageSizeGB int = 32

param databaseName string = 'fleet'
param tenantId string = tenant().tenantId

@description('Allow connections from Azure services (0.0.0.0 rule). Flex Consumption without VNet integration has no fixed outbound IPs, so this is needed unless private networking is added.')
param allowAzureServices bool = true

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    storage: {
      storageSizeGB: storageSizeGB
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenantId
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Server-level operations on one flexible server are serialised by the service; dependsOn keeps them in order.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (allowAzureServices) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

output name string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
// Reading the database name through the child resource makes callers (access.bicep) wait for it.
output databaseName string = database.name
