// Function App on the Flex Consumption plan (FC1, Linux), .NET isolated worker 10.0,
// running as a user-assigned managed identity with identity-based connections only (no keys, no connection strings
// with secrets). Note: on Flex Consumption the runtime comes from functionAppConfig.runtime; FUNCTIONS_WORKER_RUNTIME
// and FUNCTIONS_EXTENSION_VERSION must NOT be set as app settings.
param planName string
param name string
param location string
param tags object = {}

param identityId string
param identityClientId string
param identityName string

param storageAccountName string
param storageBlobEndpoint string
param tablesEndpoint string
param deploymentContainerName string

param appInsightsConnectionString string

param eventHubsFullyQualifiedNamespace string
param eventHubName string
param eventHubConsumerGroupName string

param signalRServiceUri string

param postgresHost string
param postgresDatabaseName string = 'fleet'

param authTenantId string
param authAudience string

@description('Entra object id (oid) of the first platform operator, who creates companies; empty for none (the Fleet.Operator app role also makes operators).')
param operatorObjectId string = ''

@description('Browser origins allowed to call the HTTP API (/api/negotiate etc.).')
param allowedOrigins array

@description('The dashboard\'s URL (Static Web Apps): tracking links point at its /track/ page.')
param dashboardUrl string

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// NCRONTAB (6 fields, seconds first), same schedules as the local host.
param dashboardSchedule string = '*/30 * * * * *'
param alertExpirySchedule string = '0 */5 * * * *'
param offlineSweepSchedule string = '0 * * * * *'
// Delivers alerts left in the alert outbox (PostgreSQL) to Table Storage after its outage or an instance's crash.
param alertOutboxSchedule string = '*/15 * * * * *'
// Replays telemetry batches parked in the `parkedtelemetry` table after the ingest function exhausted its retries.
param parkedTelemetrySchedule string = '0 */2 * * * *'

var authority = '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      // Platform CORS for the browser calls to /api/* (negotiate etc.). The Flex preview docs listed CORS as
      // unsupported; the later revision dropped that limitation (see docs/INFRA-REVIEW.md).
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
      appSettings: concat([
        // ---- Functions host storage: identity-based (no AzureWebJobsStorage connection string).
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // ---- Event Hubs trigger (Connection = "EventHubConnection").
        {
          name: 'EventHubConnection__fullyQualifiedNamespace'
          value: eventHubsFullyQualifiedNamespace
        }
        {
          name: 'EventHubConnection__credential'
          value: 'managedidentity'
        }
        {
          name: 'EventHubConnection__clientId'
          value: identityClientId
        }
        {
          name: 'EventHubName'
          value: eventHubName
        }
        {
          name: 'EventHubConsumerGroup'
          value: eventHubConsumerGroupName
        }
        // ---- SignalR Service (default connection name AzureSignalRConnectionString), identity-based.
        {
          name: 'AzureSignalRConnectionString__serviceUri'
          value: signalRServiceUri
        }
        {
          name: 'AzureSignalRConnectionString__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureSignalRConnectionString__clientId'
          value: identityClientId
        }
        // ---- PostgreSQL with Entra auth: no password; the app obtains an access token with the identity.
        // Username = the managed identity's name = the role created by the Entra administrator (access.bicep).
        {
          name: 'ConnectionStrings__Fleet'
          value: 'Host=${postgresHost};Database=${postgresDatabaseName};Username=${identityName};Ssl Mode=Require'
        }
        // The identity whose Entra token (scope https://ossrdbms-aad.database.windows.net/.default) is the password.
        {
          name: 'Fleet__Postgres__ManagedIdentityClientId'
          value: identityClientId
        }
        // ---- Table Storage (alerts, parkedtelemetry) through the Table REST API with an Entra bearer token.
        {
          name: 'Fleet__Tables__Endpoint'
          value: tablesEndpoint
        }
        {
          name: 'Fleet__Tables__ManagedIdentityClientId'
          value: identityClientId
        }
        // ---- User tokens (Entra ID). Issuer is the v2.0 issuer: the API app registration must issue v2 tokens
        // (accessTokenAcceptedVersion = 2).
        {
          name: 'Fleet__Auth__Authority'
          value: authority
        }
        {
          name: 'Fleet__Auth__Issuer'
          value: authority
        }
        {
          name: 'Fleet__Auth__Audience'
          value: authAudience
        }
        // A user is their Entra object id (the same in every app of the tenant; sub is per app), and only this
        // tenant's tokens are taken. What a user may do comes from the app's memberships, not from token claims.
        {
          name: 'Fleet__Auth__UserIdClaim'
          value: 'oid'
        }
        {
          name: 'Fleet__Auth__AllowedTenants__0'
          value: authTenantId
        }
        // ---- Timer schedules.
        {
          name: 'DashboardSchedule'
          value: dashboardSchedule
        }
        {
          name: 'AlertExpirySchedule'
          value: alertExpirySchedule
        }
        {
          name: 'OfflineSweepSchedule'
          value: offlineSweepSchedule
        }
        {
          name: 'AlertOutboxSchedule'
          value: alertOutboxSchedule
        }
        {
          name: 'ParkedTelemetrySchedule'
          value: parkedTelemetrySchedule
        }
        // ---- Where tracking links point (the dashboard is on another origin than this app).
        {
          name: 'Fleet__Dashboard__Url'
          value: dashboardUrl
        }
        // ---- Application Insights. Chosen: BOTH settings. The connection string only locates the resource
        // (not a secret by Azure's guidance); the component has local auth disabled, so ingestion only works with
        // the Entra token that APPLICATIONINSIGHTS_AUTHENTICATION_STRING tells the host to get for this identity
        // (Monitoring Metrics Publisher, access.bicep). A leaked connection string therefore cannot inject telemetry.
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        // ---- Lets DefaultAzureCredential / ManagedIdentityCredential in app code pick the user-assigned identity
        // (e.g. for the PostgreSQL token) without code changes. Not a secret.
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        // ---- The .NET 10 isolated worker crashes (SIGSEGV, exit 139) on Flex Consumption at ordinary load, for minutes
        // at a time (Azure/azure-functions-dotnet-worker issue 3335, open). A user there reports that not starting the
        // worker from the platform's pre-warmed placeholder avoids it, at the cost of slower cold starts. Remove once the
        // issue is fixed; docs/INFRA-REVIEW.md has the reasoning.
        {
          name: 'WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED'
          value: '0'
        }
      ], empty(operatorObjectId) ? [] : [
        // ---- The first platform operator (azd: FLEET_OPERATOR_OBJECT_ID); later ones get the Fleet.Operator app role.
        {
          name: 'Fleet__Auth__Operators__0'
          value: operatorObjectId
        }
      ])
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output url string = 'https://${site.properties.defaultHostName}'
