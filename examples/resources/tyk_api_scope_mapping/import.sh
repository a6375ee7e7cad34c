# <api_id>:<scope>[,<scope>...] -- the scopes this resource owns on the API.
terraform import tyk_api_scope_mapping.payments_product c8449efd12b0444c57b7de71244954e2:product_payments
