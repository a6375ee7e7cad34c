# A token for the credentials Terraform obtained; never stored in state.
ephemeral "tyk_oauth2_token" "payments" {
  token_url     = tyk_portal_app_access.payments.token_endpoint
  client_id     = tyk_portal_app_access.payments.client_id
  client_secret = tyk_portal_app_access.payments.client_secret
  scopes        = ["product_payments", "free_plan"]
}
