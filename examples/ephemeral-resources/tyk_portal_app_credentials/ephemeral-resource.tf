# The access keeps its client secret out of state (only a SHA-256
# fingerprint is stored)...
resource "tyk_portal_app_access" "payments_ephemeral" {
  app_id              = tyk_portal_app.payments_client.id
  product_ids         = [tyk_portal_product.payments.id]
  plan_id             = tyk_portal_plan.free.id
  client_type_id      = tyk_portal_client_type.service.id
  store_client_secret = false
}

# ...and the credentials are read from the Portal at each run, never stored.
ephemeral "tyk_portal_app_credentials" "payments" {
  app_id            = tyk_portal_app_access.payments_ephemeral.app_id
  access_request_id = tyk_portal_app_access.payments_ephemeral.id
}

# They feed a token directly.
ephemeral "tyk_oauth2_token" "payments_from_credentials" {
  token_url                  = ephemeral.tyk_portal_app_credentials.payments.token_endpoint
  client_id                  = ephemeral.tyk_portal_app_credentials.payments.client_id
  client_secret              = ephemeral.tyk_portal_app_credentials.payments.client_secret
  token_endpoint_auth_method = ephemeral.tyk_portal_app_credentials.payments.token_endpoint_auth_method
  scopes                     = ephemeral.tyk_portal_app_credentials.payments.scopes
}
