resource "tyk_portal_plan" "free" {
  provider_id        = tyk_portal_api_provider.dashboard.id
  name               = "free"
  display_name       = "Free plan"
  scopes             = ["free_plan"]
  rate_limit         = 10
  per                = 60
  quota              = 10000
  quota_renewal_rate = 2592000
  catalogue_ids      = [1]
}
