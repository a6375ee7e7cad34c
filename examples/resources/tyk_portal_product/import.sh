# Portal-first: <product_id>. Dashboard-first: <product_id>:<policy _id>.
terraform import tyk_portal_product.payments 2
terraform import tyk_portal_product.accounts 3:663b4bbd5715ec323b424dca
