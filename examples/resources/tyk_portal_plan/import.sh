# Portal-first: <plan_id>. Dashboard-first: <plan_id>:<policy _id>.
terraform import tyk_portal_plan.free 1
