// Event Hubs namespace (Standard) with the `telemetry` hub and a consumer group dedicated to the Function App.
// Local (SAS) auth disabled by default: senders and receivers use Entra ID (Azure Event Hubs Data Sender/Receiver).
param namespaceName string
param location string
param tags object = {}
param eventHubName string = 'telemetry'

@minValue(1)
@maxValue(32)
@description('Partition count; fixed after creation on Standard. Functions scale out to at most one instance per partition.')
param partitionCount int = 4

@minValue(1)
@maxValue(40)
param throughputUnits int = 1

@description('Auto-inflate ceiling (0 = auto-inflate off). Auto-inflate never scales back down.')
@minValue(0)
@maxValue(40)
param maximumThroughputUnits int = 0

@minValue(1)
@maxValue(7)
param messageRetentionInDays int = 1

param consumerGroupName string = 'fleet-functions'

param disableLocalAuth bool = true

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: throughputUnits
  }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: disableLocalAuth
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: maximumThroughputUnits > 0
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

// Only when local (SAS) auth is turned on for devices that cannot use Entra ID: a Send-only rule on the hub, so devices
// never get the namespace's Manage key (RootManageSharedAccessKey). Its keys stay in Azure (nothing is output); the
// device provisioning step derives publisher-scoped SAS tokens (/publishers/{device}) from it.
resource deviceSendRule 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2024-01-01' = if (!disableLocalAuth) {
  parent: hub
  name: 'devices-send'
  properties: {
    rights: [
      'Send'
    ]
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
  properties: {
    userMetadata: 'FleetFunctions IngestTelemetry trigger'
  }
}

output namespaceName string = namespace.name
output eventHubName string = hub.name
output consumerGroupName string = consumerGroup.name
// <namespace>.servicebus.windows.net, for EventHubConnection__fullyQualifiedNamespace.
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
