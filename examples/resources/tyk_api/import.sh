# An API is imported by its public api_id.
terraform import tyk_api.payments c8449efd12b0444c57b7de71244954e2
