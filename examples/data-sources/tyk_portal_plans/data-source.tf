data "tyk_portal_plans" "all" {}

output "plan_import_ids" {
  value = { for p in data.tyk_portal_plans.all.plans : p.name => p.import_id }
}
