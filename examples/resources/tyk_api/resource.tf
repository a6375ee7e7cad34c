resource "tyk_api" "payments" {
  name        = "Payments API"
  listen_path = "/payments/"
  target_url  = "http://httpbin.org"

  jwt = {
    signing_method     = "rsa"
    jwks_url           = "https://idp.example.com/.well-known/jwks.json"
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scope"
  }
}

# The "No Operation" API behind the No-Op default policy, which carries floor
# limits (see tyk_policy) so that a product-only token cannot skip its plan.
resource "tyk_api" "noop" {
  name        = "No Operation"
  listen_path = "/noop/"
  target_url  = "http://httpbin.org"
  jwt = {
    signing_method = "rsa"
    jwks_url       = "https://idp.example.com/.well-known/jwks.json"
  }
}
