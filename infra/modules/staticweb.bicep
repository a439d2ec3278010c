// Static hosting for the browser dashboard (functions/dashboard): Azure Static Web Apps, Free tier.
// azd deploys the files to it (service "web", host: staticwebapp), found by the azd-service-name tag.
param name string
param location string
param tags object = {}

@allowed([
  'Free'
  'Standard'
])
param skuName string = 'Free'

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    provider: 'Custom'
  }
}

output name string = site.name
// https://<generated>.azurestaticapps.net: the dashboard origin used for CORS on SignalR and the Function App.
output origin string = 'https://${site.properties.defaultHostname}'
