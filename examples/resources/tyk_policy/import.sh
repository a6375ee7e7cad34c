# A policy is imported by its database id (_id, 24 hex characters).
terraform import tyk_policy.payments_product 663b4bbd5715ec323b424dca
