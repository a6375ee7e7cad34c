data "tyk_oidc_discovery" "idp" {
  well_known_url = "https://idp.example.com/.well-known/openid-configuration"
}

# The IdP's JWKS for the API's JWT settings.
resource "tyk_api" "payments" {
  name        = "Payments API"
  listen_path = "/payments/"
  target_url  = "http://payments.internal"
  jwt = {
    signing_method = "rsa"
    jwks_url       = data.tyk_oidc_discovery.idp.jwks_uri
  }
}
