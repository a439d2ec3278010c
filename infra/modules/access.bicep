// Every access grant of FleetFunctions, in one place.
// Role assignment names are stable: guid(scope id, principal id, role definition id), so redeploying is idempotent.
// Role definition ids are Azure built-in roles (same GUID in every tenant), listed on
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
param principalId string
param identityName string
param tenantId string = tenant().tenantId
param storageAccountName string
param eventHubNamespaceName string
param eventHubName string
param signalRName string
param appInsightsName string
param postgresServerName string

@description('Optional principal running the device simulator: gets Azure Event Hubs Data Sender on the hub. Empty = none.')
param simulatorPrincipalId string = ''
param simulatorPrincipalType string = 'User'

// ---------------------------------------------------------------- built-in roles
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde' // Azure Event Hubs Data Receiver
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975' // Azure Event Hubs Data Sender
  signalRServiceOwner: '7e4f1700-ea5a-4f59-8f37-079cfe29dce3' // SignalR Service Owner
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
}

// ---------------------------------------------------------------- scopes
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: eventHubNamespace
  name: eventHubName
}

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: postgresServerName
}

// ---------------------------------------------------------------- storage (host storage, deployment package, app tables)
// Storage Blob Data Owner: Functions host blobs (host locks, timer schedule monitor, Event Hubs checkpoints in
// azure-webjobs-eventhub) and the Flex deployment package container.
resource storageBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner) // Storage Blob Data Owner
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// No Storage Queue Data Contributor: the host only needs queues for blob/queue triggers and Durable Functions, and
// this app has none (Event Hubs, timer and HTTP triggers; Event Hubs checkpoints and timer state are blobs).
// Add it (974c5e8b-45b9-4653-ba55-5f855dd0fb88) here if such a trigger is ever introduced.

// Storage Table Data Contributor: the app's `alerts` and `parkedtelemetry` tables (Fleet__Tables__Endpoint).
resource storageTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roles.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor) // Storage Table Data Contributor
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- Event Hubs (scoped to the telemetry hub only)
// Azure Event Hubs Data Receiver: the IngestTelemetry trigger reads the hub (required).
resource eventHubReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: eventHub
  name: guid(eventHub.id, principalId, roles.eventHubsDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataReceiver) // Azure Event Hubs Data Receiver
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Azure Event Hubs Data Sender: the device gateway (SendTelemetry, OsmAnd, OwnTracks functions) forwards devices' events
// into the hub with the app's identity, so the namespace keeps local auth disabled (required).
resource eventHubGatewaySender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: eventHub
  name: guid(eventHub.id, principalId, roles.eventHubsDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataSender) // Azure Event Hubs Data Sender
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Azure Event Hubs Data Sender (optional): a gateway or simulator principal that sends with Entra tokens, such as
// Fleet.Simulator --namespace (AMQP, DefaultAzureCredential), so the namespace keeps local auth disabled.
resource eventHubSimulatorSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(simulatorPrincipalId)) {
  scope: eventHub
  name: guid(eventHub.id, simulatorPrincipalId, roles.eventHubsDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataSender) // Azure Event Hubs Data Sender
    principalId: simulatorPrincipalId
    principalType: simulatorPrincipalType
  }
}

// ---------------------------------------------------------------- SignalR
// SignalR Service Owner: serverless mode with Entra auth needs both the data-plane REST API (send, groups) and the
// auth API the SDK uses to sign client tokens for negotiate (auth/accessKey). "SignalR App Server" has no REST API
// rights and "SignalR REST API Owner" has no auth/accessKey; Microsoft's role table names Service Owner for this case
// (https://learn.microsoft.com/azure/azure-signalr/signalr-howto-authorize-managed-identity).
resource signalROwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: signalR
  name: guid(signalR.id, principalId, roles.signalRServiceOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.signalRServiceOwner) // SignalR Service Owner
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- Application Insights
// Monitoring Metrics Publisher: Entra-authenticated telemetry ingestion (the component has local auth disabled).
resource appInsightsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher) // Monitoring Metrics Publisher
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- PostgreSQL
// Not an Azure RBAC role: the server's Microsoft Entra administrator. The resource name is the principal's object id.
// Setting it makes the server create a PostgreSQL role named `principalName` (here the managed identity's name),
// mapped to that object id, with admin rights (azure_pg_admin, CREATEROLE/CREATEDB). The app logs in as that role:
// ConnectionStrings__Fleet has Username=<identity name> and no password; the password is an Entra access token
// for https://ossrdbms-aad.database.windows.net obtained at runtime with the identity.
// The app's role in the database is therefore created by this administrator assignment itself. For least privilege
// later: make a human/group the Entra admin instead, and have it run
//   SELECT * FROM pgaadauth_create_principal('<identity name>', false, false);
// plus GRANTs on database `fleet`, then remove the identity from the administrators.
resource postgresEntraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: postgres
  name: principalId
  properties: {
    principalName: identityName
    principalType: 'ServicePrincipal'
    tenantId: tenantId
  }
}
