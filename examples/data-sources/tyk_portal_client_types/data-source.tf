data "tyk_portal_client_types" "machine" {
  name_regex = "(?i)confidential"
}

output "client_type_import_ids" {
  value = [for c in data.tyk_portal_client_types.machine.client_types : c.import_id]
}
