# DCR with Portal-created products and plans (Tyk Developer Portal 1.13+):
# the Portal creates the product's and the plan's policies in the Dashboard,
# so there are no product or plan tyk_policy resources here.

terraform {
  required_providers {
    tyk = {
      source = "tykdcr/tyk"
    }
  }
}

provider "tyk" {}

variable "dashboard_url" {
  description = "The Dashboard URL as the Portal reaches it."
  type        = string
}

variable "dashboard_secret" {
  description = "API key of the Dashboard user the Portal acts as."
  type        = string
  sensitive   = true
}

variable "well_known_url" {
  type = string
}

variable "jwks_url" {
  type = string
}

variable "upstream_url" {
  type = string
}

# The "No Operation" API and the API's default policy, with floor limits: a
# token whose scopes map only to the product's ACL-only policy gets the limits
# of the default policy, so without a floor it would be unlimited and skip its
# plan (see the DCR guide; the provider refuses such a setup at plan time).
resource "tyk_api" "noop" {
  name        = "No Operation"
  listen_path = "/noop/"
  target_url  = var.upstream_url
  jwt = {
    signing_method = "rsa"
    jwks_url       = var.jwks_url
  }
}

resource "tyk_policy" "noop" {
  name               = "No Operation"
  rate               = 1
  per                = 3600
  quota_max          = 1
  quota_renewal_rate = 31536000
  access_rights {
    api_id = tyk_api.noop.api_id
  }
}

# The API of the product: JWT against the IdP.
resource "tyk_api" "orders" {
  name        = "Orders API"
  listen_path = "/orders/"
  target_url  = var.upstream_url
  jwt = {
    signing_method     = "rsa"
    jwks_url           = var.jwks_url
    default_policy_ids = [tyk_policy.noop.id]
    scope_claim_name   = "scp"
  }
}

resource "tyk_portal_api_provider" "dashboard" {
  name                        = "Tyk Dashboard"
  dashboard_url               = var.dashboard_url
  dashboard_secret_wo         = var.dashboard_secret
  dashboard_secret_wo_version = 1
  org_id                      = "demo-org"
  policy_tags                 = ["portal-first"]
}

resource "tyk_portal_oauth_provider" "idp" {
  name           = "Identity provider"
  type           = "Other"
  well_known_url = var.well_known_url
}

resource "tyk_portal_client_type" "machine" {
  oauth_provider_id          = tyk_portal_oauth_provider.idp.id
  name                       = "Confidential client"
  response_types             = ["token"]
  grant_types                = ["client_credentials"]
  token_endpoint_auth_method = "client_secret_post"
}

# Portal-first: name and APIs here; the Portal creates the ACL policy.
resource "tyk_portal_product" "orders" {
  provider_id     = tyk_portal_api_provider.dashboard.id
  name            = "orders"
  display_name    = "Orders API"
  description     = "Create and track orders"
  api_ids         = [tyk_api.orders.api_id]
  dcr_enabled     = true
  scopes          = ["product_orders"]
  client_type_ids = [tyk_portal_client_type.machine.id]
  catalogue_ids   = [1]
}

# Portal-first plan: the limits here become the plan's policy.
resource "tyk_portal_plan" "gold" {
  provider_id                  = tyk_portal_api_provider.dashboard.id
  name                         = "gold"
  display_name                 = "Gold plan"
  scopes                       = ["gold_plan"]
  rate_limit                   = 50
  per                          = 1
  quota                        = 100000
  quota_renewal_rate           = 2592000
  auto_approve_access_requests = true
  catalogue_ids                = [1]
}

# Portals 1.13-1.18 (without the IdP registry) also write these mappings into
# the API definition when they approve an access, with the same policies, so
# the two agree; on those versions this resource can be dropped and the
# mappings left to the Portal. Portals before 1.13 write nothing.
resource "tyk_api_scope_mapping" "orders" {
  api_id = tyk_api.orders.api_id
  scope_to_policy = {
    product_orders = tyk_portal_product.orders.reference_id
    gold_plan      = tyk_portal_plan.gold.reference_id
  }
}

resource "tyk_portal_user" "developer" {
  email      = "orders-dev@example.com"
  first_name = "Grace"
  last_name  = "Developer"
}

resource "tyk_portal_app" "orders_client" {
  user_id = tyk_portal_user.developer.id
  name    = "Orders client"
}

# The plan auto-approves: no approval step. The access waits for the
# mapping, which the Portal also writes at approval.
resource "tyk_portal_app_access" "orders" {
  app_id         = tyk_portal_app.orders_client.id
  product_ids    = [tyk_portal_product.orders.id]
  plan_id        = tyk_portal_plan.gold.id
  client_type_id = tyk_portal_client_type.machine.id
  depends_on     = [tyk_api_scope_mapping.orders]
}

output "client_id" {
  value = tyk_portal_app_access.orders.client_id
}

output "client_secret" {
  value     = tyk_portal_app_access.orders.client_secret
  sensitive = true
}

output "token_endpoint" {
  value = tyk_portal_app_access.orders.token_endpoint
}
