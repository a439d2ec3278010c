// Azure SignalR Service, Standard, Serverless mode (the Functions app is the only "server": negotiate + REST sends).
// Access keys are disabled (disableLocalAuth): the app reaches the service with its managed identity
// (SignalR Service Owner, access.bicep) and client tokens are issued through Entra-authorised calls.
param name string
param location string
param tags object = {}

@allowed([
  1
  2
  5
  10
  20
  50
  100
])
param capacity int = 1

@description('Browser origins allowed to call the service (the dashboard).')
param allowedOrigins array

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: 'Standard_S1'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
      {
        flag: 'EnableMessagingLogs'
        value: 'False'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

output name string = signalR.name
// https://<name>.service.signalr.net, for AzureSignalRConnectionString__serviceUri.
output serviceUri string = 'https://${signalR.properties.hostName}'
