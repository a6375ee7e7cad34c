# The Dashboard half of Tyk's DCR setup, in the order of Tyk's own guide
# ("Dynamic Client Registration", Portal < 1.13 / Dashboard-first):
#   1. the API product's policy, 2. the plan's policy, 3. the "No Operation"
#   API and policy used as JWT default policy, 4. JWT settings and the
#   scope -> policy mapping on the product's API.
# Then the Portal half, in the order of the same guide:
#   5. the API provider (the Portal's connection to the Dashboard) and a sync,
#   6. the OAuth2.0 provider (the IdP) and its client types,
#   7. DCR settings on the imported product and plan,
#   8. a developer, their app, and its access request, approved: the Portal
#      registers an OAuth client in the IdP and its credentials come back.

terraform {
  required_providers {
    tyk = {
      source = "tykdcr/tyk"
    }
  }
}

provider "tyk" {}

variable "jwks_url" {
  description = "The IdP's JWKS URL (Hydra: <issuer>/.well-known/jwks.json)."
  type        = string
  default     = "http://127.0.0.1:4444/.well-known/jwks.json"
}

variable "upstream_url" {
  description = "Where the Gateway proxies the API to."
  type        = string
  default     = "http://127.0.0.1:8080/echo"
}

variable "dashboard_url" {
  description = "The Dashboard URL as the Portal reaches it."
  type        = string
  default     = "http://127.0.0.1:3000"
}

variable "dashboard_secret" {
  description = "API key of the Dashboard user the Portal acts as."
  type        = string
  sensitive   = true
}

variable "store_client_secret" {
  description = "Keep the client secret in state. false (recommended) keeps only its SHA-256; read the secret with the ephemeral tyk_portal_app_credentials."
  type        = bool
  default     = true
}

variable "verify_idp_client_via" {
  description = "How refreshes check the IdP's client: null (an RFC 7592 read) or \"token_endpoint\", for IdPs that rotate the registration access token on every read (Curity; the oidc-provider of make demo IDP=oidc-provider)."
  type        = string
  default     = null
}

variable "well_known_url" {
  description = "The IdP's OpenID Connect discovery URL."
  type        = string
  default     = "http://127.0.0.1:4444/.well-known/openid-configuration"
}

variable "initial_access_token" {
  description = "The IdP's initial access token for client registration, if it requires one (Hydra does not)."
  type        = string
  sensitive   = true
  default     = null
}

variable "scope_claim_name" {
  description = "The JWT claim holding the scopes: \"scope\" (Keycloak), \"scp\" (Okta, and Ory Hydra by default)."
  type        = string
  default     = "scp"
}

variable "product_scope" {
  type    = string
  default = "product_payments"
}

variable "plan_scope" {
  type    = string
  default = "free_plan"
}

# Step 3a: the No-Op API, an API that fronts nothing useful.
resource "tyk_api" "noop" {
  name        = "No Operation"
  listen_path = "/noop/"
  target_url  = var.upstream_url
  jwt = {
    signing_method = "rsa"
    jwks_url       = var.jwks_url
  }
}

# Step 3b: the No-Op policy grants only the No-Op API. It also carries floor
# limits (1 request per hour, 1 per year): a token whose scopes map only to the
# ACL-only product policy inherits the limits of the session, which start from
# this default policy, so without a floor such a token is unlimited and skips
# its plan (recorded on the real Tyk Gateway 5.12.1; see the DCR guide).
resource "tyk_policy" "noop" {
  name               = "No Operation"
  rate               = 1
  per                = 3600
  quota_max          = 1
  quota_renewal_rate = 31536000
  access_rights {
    api_id   = tyk_api.noop.api_id
    api_name = tyk_api.noop.name
  }
}

# Step 4: the product's API with JWT auth against the IdP's JWKS.
resource "tyk_api" "payments" {
  name        = "Payments API"
  listen_path = "/payments/"
  target_url  = var.upstream_url
  jwt = {
    signing_method     = "rsa"
    jwks_url           = var.jwks_url
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = var.scope_claim_name
  }
}

# Step 1: the API product policy (ACL partition).
resource "tyk_policy" "product" {
  name       = "Payments API Product"
  tags       = ["dcr"]
  partitions = { acl = true }
  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = tyk_api.payments.name
  }
}

# Step 2: the plan policy (rate limit and quota partitions).
resource "tyk_policy" "plan" {
  name               = "Free plan"
  tags               = ["dcr"]
  rate               = 5
  per                = 1
  quota_max          = 1000
  quota_renewal_rate = 3600
  partitions         = { rate_limit = true, quota = true }
  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = tyk_api.payments.name
  }
}

# Step 4 (cont.): scope -> policy mapping on every API of the product.
resource "tyk_api_scope_mapping" "product" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { (var.product_scope) = tyk_policy.product.id }
}

resource "tyk_api_scope_mapping" "plan" {
  api_id          = tyk_api.payments.api_id
  scope_to_policy = { (var.plan_scope) = tyk_policy.plan.id }
}

# Step 5: the API provider; synchronizing imports the two tagged policies.
resource "tyk_portal_api_provider" "dashboard" {
  name                        = "Tyk Dashboard"
  dashboard_url               = var.dashboard_url
  dashboard_secret_wo         = var.dashboard_secret
  dashboard_secret_wo_version = 1
  org_id                      = "demo-org"
  policy_tags                 = ["dcr"]
}

# Step 6: the IdP (Hydra is an RFC 7591 server of type "Other") ...
resource "tyk_portal_oauth_provider" "idp" {
  name           = "Ory Hydra"
  type           = "Other"
  well_known_url = var.well_known_url
  # Write-only: sent to the Portal, never stored in plan or state.
  registration_access_token_wo         = var.initial_access_token
  registration_access_token_wo_version = 1
}

# ... and its client types: a confidential machine client and a web app.
resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Confidential client"
  description                = "Server-side apps using client_credentials"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_basic"
}

resource "tyk_portal_client_type" "web" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Web application"
  response_types             = ["code"]
  grant_types                = ["authorization_code", "refresh_token"]
  token_endpoint_auth_method = "client_secret_post"
}

# Step 7: DCR on the product the Portal imported from the product policy ...
resource "tyk_portal_product" "payments" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  policy_id       = tyk_policy.product.id
  display_name    = "Payments API"
  dcr_enabled     = true
  scopes          = [var.product_scope]
  client_type_ids = [tyk_portal_client_type.machine.id, tyk_portal_client_type.web.id]
  catalogue_ids   = [1]
}

# ... and the plan scope on the imported plan.
resource "tyk_portal_plan" "free" {
  provider_id   = tyk_portal_api_provider.dashboard.id
  policy_id     = tyk_policy.plan.id
  display_name  = "Free plan"
  scopes        = [var.plan_scope]
  catalogue_ids = [1]
}

# Step 8: the developer, the app, and its approved access.
resource "tyk_portal_user" "developer" {
  email      = "developer@example.com"
  first_name = "Ada"
  last_name  = "Developer"
}

resource "tyk_portal_app" "payments_client" {
  user_id     = tyk_portal_user.developer.id
  name        = "Payments client"
  description = "A backend that calls the Payments API"
}

# Portals 1.13+ also write the scope mappings into the API definition when
# they approve; depending on the mappings keeps the two writers apart.
resource "tyk_portal_app_access" "payments" {
  app_id         = tyk_portal_app.payments_client.id
  product_ids    = [tyk_portal_product.payments.id]
  plan_id        = tyk_portal_plan.free.id
  client_type_id = tyk_portal_client_type.machine.id
  depends_on     = [tyk_api_scope_mapping.product, tyk_api_scope_mapping.plan]

  store_client_secret   = var.store_client_secret
  verify_idp_client_via = var.verify_idp_client_via
}

output "client_id" {
  value = tyk_portal_app_access.payments.client_id
}

# null with store_client_secret = false: use ephemeral.tyk_portal_app_credentials.
output "client_secret" {
  value     = tyk_portal_app_access.payments.client_secret
  sensitive = true
}

output "token_endpoint" {
  value = tyk_portal_app_access.payments.token_endpoint
}

output "scopes" {
  value = tyk_portal_app_access.payments.scopes
}

output "payments_api_id" {
  value = tyk_api.payments.api_id
}

output "product_policy_id" {
  value = tyk_policy.product.id
}

output "plan_policy_id" {
  value = tyk_policy.plan.id
}

output "portal_product_id" {
  value = tyk_portal_product.payments.id
}

output "portal_plan_id" {
  value = tyk_portal_plan.free.id
}
