# The policies the API provider imports (its policy_tags), e.g. to import
# them: one import block per policy, keyed by name.
data "tyk_policies" "dcr" {
  tags = ["dcr"]
}

output "dcr_policy_ids" {
  value = { for p in data.tyk_policies.dcr.policies : p.name => p.id }
}
