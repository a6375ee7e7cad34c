data "tyk_portal_products" "all" {}

# Dashboard-first products import as "<id>:<policy _id>", Portal-first ones as "<id>".
output "product_import_ids" {
  value = { for p in data.tyk_portal_products.all.products : p.name => p.import_id }
}
