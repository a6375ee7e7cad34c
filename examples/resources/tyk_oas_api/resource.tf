# A Tyk OAS API for a DCR product: the OpenAPI description comes from a
# file (or jsonencode); the provider adds the Tyk extension and the JWT
# security scheme.
resource "tyk_oas_api" "orders" {
  name        = "Orders API"
  listen_path = "/orders/"
  target_url  = "http://httpbin.org"

  jwt = {
    signing_method     = "rsa"
    jwks_url           = "https://idp.example.com/.well-known/jwks.json"
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scope"
  }

  openapi_document = jsonencode({
    openapi = "3.0.3"
    info    = { title = "Orders", version = "1.0.0" }
    paths = {
      "/orders" = { get = { operationId = "listOrders", responses = { "200" = { description = "The orders" } } } }
    }
  })
}

# Scope mappings work on OAS APIs as on Classic ones: they go into the JWT
# scheme's scopes.scopeToPolicyMapping. Here the Orders API is a second API
# of the payments product, whose policy grants it too.
resource "tyk_api_scope_mapping" "orders_payments_product" {
  api_id          = tyk_oas_api.orders.id
  scope_to_policy = { product_payments = tyk_policy.payments_product.id }
}
