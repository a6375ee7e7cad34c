# The Dashboard half of Tyk's DCR setup, in the order of Tyk's own guide
# ("Dynamic Client Registration", Portal < 1.13 / Dashboard-first):
#   1. the API product's policy, 2. the plan's policy, 3. the "No Operation"
#   API and policy used as JWT default policy, 4. JWT settings and the
#   scope -> policy mapping on the product's API.
# The Portal half (provider sync, OAuth provider, client types, product,
# plan, app, approved access) follows in the Portal resources.

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

# Step 3b: the No-Op policy grants only the No-Op API.
resource "tyk_policy" "noop" {
  name = "No Operation"
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
    scope_claim_name   = "scope"
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

output "payments_api_id" {
  value = tyk_api.payments.api_id
}

output "product_policy_id" {
  value = tyk_policy.product.id
}

output "plan_policy_id" {
  value = tyk_policy.plan.id
}
