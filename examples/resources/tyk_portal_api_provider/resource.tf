resource "tyk_portal_api_provider" "dashboard" {
  name                        = "Tyk Dashboard"
  dashboard_url               = "http://tyk-dashboard:3000"
  dashboard_secret_wo         = var.portal_dashboard_user_key
  dashboard_secret_wo_version = 1
  org_id                      = "5e9d9544a1dcd60001d0ed20"
  policy_tags                 = ["dcr"]
  # Re-synchronize whenever a product or plan policy changes.
  sync_triggers = {
    product = tyk_policy.payments_product.id
    plan    = tyk_policy.free_plan.id
  }
}

variable "portal_dashboard_user_key" {
  description = "API key of the Dashboard user the Portal acts as."
  type        = string
  sensitive   = true
}
