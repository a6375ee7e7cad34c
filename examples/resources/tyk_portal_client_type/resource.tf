# A confidential machine-to-machine client.
resource "tyk_portal_client_type" "service" {
  oauth_provider_id          = tyk_portal_oauth_provider.keycloak.id
  name                       = "Server-side application"
  description                = "Backend services that call the API on their own behalf."
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

# A web application acting for a user.
resource "tyk_portal_client_type" "web" {
  oauth_provider_id          = tyk_portal_oauth_provider.keycloak.id
  name                       = "Web application"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}
