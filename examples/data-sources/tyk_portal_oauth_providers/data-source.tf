data "tyk_portal_oauth_providers" "all" {}

output "oauth_provider_ids" {
  value = { for o in data.tyk_portal_oauth_providers.all.oauth_providers : o.name => o.id }
}
