data "tyk_oidc_discovery" "idp" {
  well_known_url = "https://idp.example.com/.well-known/openid-configuration"
}

# The IdP's JWKS for the API's JWT settings.
resource "tyk_api" "catalogue" {
  name        = "Catalogue API"
  listen_path = "/catalogue/"
  target_url  = "http://catalogue.internal"
  jwt = {
    signing_method = "rsa"
    jwks_url       = data.tyk_oidc_discovery.idp.jwks_uri
  }
}
