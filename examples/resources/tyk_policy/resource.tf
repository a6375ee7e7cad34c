# The API product policy: ACL partition only, so the Portal imports it as a product.
resource "tyk_policy" "payments_product" {
  name       = "Payments API Product"
  tags       = ["dcr"]
  partitions = { acl = true }

  access_rights {
    api_id   = tyk_api.payments.api_id
    api_name = tyk_api.payments.name
  }
}

# The plan policy: rate limit and quota partitions, imported as a plan.
resource "tyk_policy" "free_plan" {
  name               = "Free plan"
  tags               = ["dcr"]
  rate               = 10
  per                = 60
  quota_max          = 1000
  quota_renewal_rate = 86400
  partitions         = { rate_limit = true, quota = true }

  access_rights {
    api_id = tyk_api.payments.api_id
  }
}

# The "No Operation" policy: grants only an API that fronts nothing, and is
# the JWT default policy of the product's APIs. Its floor limits (1 request
# per hour, 1 per year) are what a token with the product scope alone gets:
# without them the Gateway would let it through unlimited (see the DCR guide).
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

# A second product policy, imported Dashboard-first by tyk_portal_product.
resource "tyk_policy" "accounts_product" {
  name       = "Accounts API Product"
  tags       = ["dcr"]
  partitions = { acl = true }

  access_rights {
    api_id = tyk_api.payments.api_id
  }
}
