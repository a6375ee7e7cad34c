# Portal-first (Portal 1.13+): the Portal creates the product and its policy.
resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  name            = "payments"
  display_name    = "Payments API"
  api_ids         = [tyk_api.payments.api_id]
  dcr_enabled     = true
  scopes          = ["product_payments"]
  client_type_ids = [tyk_portal_client_type.service.id, tyk_portal_client_type.web.id]
  catalogue_ids   = [1]
}

# Dashboard-first (every Portal version): adopt the product the Portal
# imported from a partitioned ACL policy, and manage its DCR settings.
resource "tyk_portal_product" "accounts" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  policy_id       = tyk_policy.accounts_product.id
  dcr_enabled     = true
  scopes          = ["product_accounts"]
  client_type_ids = [tyk_portal_client_type.service.id]
  catalogue_ids   = [1]
}
