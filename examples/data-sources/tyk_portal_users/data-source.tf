data "tyk_portal_users" "example_com" {
  email_regex = "@example\\.com$"
}

output "developer_ids" {
  value = { for u in data.tyk_portal_users.example_com.users : u.email => u.id }
}
