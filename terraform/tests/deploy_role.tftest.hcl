# The deploy and plan role policies that docs/deploy.md shows (policies/*.json)
# against what each resource type of this configuration needs from AWS
# (policies/actions-by-type.json). A type nobody listed, an action a policy does
# not grant, a write the plan role could make, or a grant no type needs, fails
# here. scripts/tests/deployRolePolicy.test.ts also reads the types the env
# plans below contain, as Terraform prints them, against the same map.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }
  }
}

variables {
  artifacts_dir   = "tests/fixtures/artifacts"
  actions_by_type = file("policies/actions-by-type.json")

  # Every resource and data source type this configuration declares outside the
  # network module, and the state backend. Read from the .tf files, so a new
  # resource type needs an entry in the map before this passes.
  base_types = distinct(concat(
    [for m in regexall("backend \"([a-z0-9]+)\"", file("versions.tf")) : "backend.${m[0]}"],
    flatten([
      for f in sort(setsubtract(setunion(fileset(".", "*.tf"), fileset(".", "modules/*/*.tf")), fileset(".", "modules/network/*.tf"))) : [
        for m in regexall("(?m)^(resource|data) \"(aws_[a-z0-9_]+)\"", file(f)) : m[0] == "data" ? "data.${m[1]}" : m[1]
      ]
    ]),
  ))
  network_types = distinct(flatten([
    for f in sort(fileset(".", "modules/network/*.tf")) : [
      for m in regexall("(?m)^(resource|data) \"(aws_[a-z0-9_]+)\"", file(f)) : m[0] == "data" ? "data.${m[1]}" : m[1]
    ]
  ]))

  dev_placeholders = {
    PROJECT      = jsondecode(file("envs/dev.tfvars.json")).project
    REGION       = jsondecode(file("envs/dev.tfvars.json")).region
    ACCOUNT      = "123456789012"
    STATE_BUCKET = "my-terraform-state-bucket"
    ENV          = "dev"
  }
  prod_placeholders = {
    PROJECT      = jsondecode(file("envs/prod.tfvars.json")).project
    REGION       = jsondecode(file("envs/prod.tfvars.json")).region
    ACCOUNT      = "210987654321"
    STATE_BUCKET = "my-terraform-state-bucket"
    ENV          = "prod"
  }
}

run "deploy_role_grants_what_dev_needs" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode         = "deploy"
    policies     = [file("policies/deploy-role.json")]
    types        = var.base_types
    placeholders = var.dev_placeholders
  }

  assert {
    condition     = length(var.types) >= 30 && contains(var.types, "aws_cloudwatch_log_metric_filter") && contains(var.types, "backend.s3")
    error_message = "The type list must be read from the configuration (got ${jsonencode(var.types)})."
  }

  assert {
    condition     = length(output.unknown_types) == 0
    error_message = "Resource types with no entry in policies/actions-by-type.json: ${jsonencode(output.unknown_types)}"
  }

  assert {
    condition     = length(output.missing) == 0
    error_message = "policies/deploy-role.json does not grant: ${jsonencode(output.missing)}"
  }

  assert {
    condition     = length(output.denied) == 0
    error_message = "policies/deploy-role.json denies what a type needs: ${jsonencode(output.denied)}"
  }

  assert {
    condition     = length(output.extra_actions) == 0 && length(output.wildcard_actions) == 0
    error_message = "policies/deploy-role.json grants actions no type needs, or wildcard actions: ${jsonencode(concat(output.extra_actions, output.wildcard_actions))}"
  }

  assert {
    condition     = length(output.star_resources) == 0
    error_message = "policies/deploy-role.json grants on Resource \"*\" actions that can be scoped: ${jsonencode(output.star_resources)}"
  }
}

run "deploy_role_grants_what_prod_needs" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode         = "deploy"
    policies     = [file("policies/deploy-role.json")]
    types        = var.base_types
    placeholders = var.prod_placeholders
  }

  assert {
    condition     = length(output.unknown_types) == 0 && length(output.missing) == 0 && length(output.denied) == 0
    error_message = "policies/deploy-role.json, for prod: unknown ${jsonencode(output.unknown_types)}, missing ${jsonencode(output.missing)}, denied ${jsonencode(output.denied)}"
  }
}

run "deploy_role_with_the_network_addon" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode         = "deploy"
    policies     = [file("policies/deploy-role.json"), file("policies/deploy-role-network.json")]
    types        = concat(var.base_types, var.network_types)
    placeholders = var.dev_placeholders
  }

  assert {
    condition     = contains(var.types, "aws_vpc_endpoint") && contains(var.types, "aws_default_security_group")
    error_message = "The network module's types must be read from modules/network."
  }

  assert {
    condition     = length(output.unknown_types) == 0 && length(output.missing) == 0 && length(output.denied) == 0 && length(output.extra_actions) == 0 && length(output.star_resources) == 0 && length(output.wildcard_actions) == 0
    error_message = "deploy-role.json + deploy-role-network.json: unknown ${jsonencode(output.unknown_types)}, missing ${jsonencode(output.missing)}, denied ${jsonencode(output.denied)}, extra ${jsonencode(output.extra_actions)}, star ${jsonencode(output.star_resources)}"
  }
}

run "plan_role_reads_everything_and_writes_nothing" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode         = "plan"
    policies     = [file("policies/plan-role.json"), file("policies/plan-role-network.json")]
    types        = concat(var.base_types, var.network_types)
    placeholders = var.dev_placeholders
  }

  assert {
    condition     = length(output.unknown_types) == 0 && length(output.missing) == 0
    error_message = "policies/plan-role*.json cannot read: ${jsonencode(output.missing)}"
  }

  assert {
    condition     = length(output.writes_allowed) == 0
    error_message = "The plan role must not change anything: ${jsonencode(output.writes_allowed)}"
  }

  assert {
    condition     = length(output.extra_actions) == 0 && length(output.star_resources) == 0 && length(output.wildcard_actions) == 0
    error_message = "policies/plan-role*.json: extra ${jsonencode(output.extra_actions)}, star ${jsonencode(output.star_resources)}, wildcards ${jsonencode(output.wildcard_actions)}"
  }
}

# The map says which actions are needed; these say under which conditions the
# IAM ones are granted, which is what keeps the deploy role from making itself
# an administrator through a role it creates.
run "deploy_role_cannot_escape_the_boundary" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode         = "deploy"
    policies     = [file("policies/deploy-role.json"), file("policies/deploy-role-network.json")]
    types        = []
    placeholders = var.dev_placeholders
  }

  assert {
    condition = alltrue(flatten([for p in var.policies : [for s in jsondecode(p).Statement :
      s.Effect != "Allow" || length(setintersection(toset(flatten([s.Action])), toset([
        "iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
      ]))) == 0 || try(s.Condition.StringEquals["iam:PermissionsBoundary"], "") == "arn:aws:iam::ACCOUNT:policy/PROJECT-boundary"
    ]]))
    error_message = "The deploy role may create roles, set their boundary and change their policies only with iam:PermissionsBoundary = arn:aws:iam::ACCOUNT:policy/PROJECT-boundary."
  }

  assert {
    condition = anytrue([for s in jsondecode(var.policies[0]).Statement :
      s.Effect == "Deny" && flatten([s.Resource]) == ["*"] && length(setsubtract(toset([
        "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachRolePolicy",
      ]), toset(flatten([s.Action])))) == 0
    ])
    error_message = "The deploy role must be denied removing a boundary, editing or deleting a managed policy (the boundary among them) and attaching one."
  }

  assert {
    condition = alltrue(flatten([for p in var.policies : [for s in jsondecode(p).Statement :
      s.Effect != "Allow" || !contains(flatten([s.Action]), "iam:PassRole") || try(s.Condition.StringEquals["iam:PassedToService"], "") == "lambda.amazonaws.com"
    ]]))
    error_message = "The deploy role may pass roles to Lambda only."
  }

  assert {
    condition = alltrue(flatten([for p in var.policies : [for s in jsondecode(p).Statement : [
      for r in flatten([s.Resource]) : contains(["arn:aws:iam::ACCOUNT:role/PROJECT-*", "arn:aws:iam::ACCOUNT:policy/PROJECT-boundary"], r)
    ] if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : startswith(a, "iam:")])]]))
    error_message = "IAM actions are allowed on the project's roles and on reading its boundary, nothing else."
  }
}

# What docs/deploy.md shows is what the runs above check: each policy file is
# printed there, after a comment naming it, as a json block.
run "docs_show_the_checked_policies" {
  command = plan

  module {
    source = "./tests/policy_check"
  }

  variables {
    mode = "deploy"
    # In this order: the names the assertion looks for in docs/deploy.md.
    policies = [
      file("policies/deploy-role.json"), file("policies/deploy-role-network.json"), file("policies/plan-role.json"),
      file("policies/plan-role-network.json"), file("policies/permissions-boundary.json"),
    ]
    types        = []
    placeholders = var.dev_placeholders
  }

  assert {
    condition = alltrue([
      for i, f in ["deploy-role.json", "deploy-role-network.json", "plan-role.json", "plan-role-network.json", "permissions-boundary.json"] :
      jsonencode(jsondecode(var.policies[i])) == try(jsonencode(jsondecode(regex("<!-- terraform/policies/${replace(f, ".", "\\.")} -->\\s*```json\\n((?s:.*?))\\n```", file("../docs/deploy.md"))[0])), "absent")
    ])
    error_message = "docs/deploy.md must show every file of terraform/policies/ as it is, in a ```json block right after <!-- terraform/policies/<file> -->."
  }
}

# The committed environments create no type beyond the base policy's (the
# network module, which needs the add-on, is off in both).
run "dev_env_plan" {
  command = plan

  variables {
    project                = jsondecode(file("envs/dev.tfvars.json")).project
    region                 = jsondecode(file("envs/dev.tfvars.json")).region
    alarms_without_actions = jsondecode(file("envs/dev.tfvars.json")).alarms_without_actions
    protect_from_destroy   = jsondecode(file("envs/dev.tfvars.json")).protect_from_destroy
    buckets                = jsondecode(file("envs/dev.tfvars.json")).buckets
    pipelines              = jsondecode(file("envs/dev.tfvars.json")).pipelines
  }

  assert {
    condition     = length(module.network) == 0 && length(module.functions) == 4
    error_message = "dev plans without the network module."
  }
}

run "prod_env_plan" {
  command = plan

  variables {
    project              = jsondecode(file("envs/prod.tfvars.json")).project
    region               = jsondecode(file("envs/prod.tfvars.json")).region
    log_retention_days   = jsondecode(file("envs/prod.tfvars.json")).log_retention_days
    protect_from_destroy = jsondecode(file("envs/prod.tfvars.json")).protect_from_destroy
    buckets              = jsondecode(file("envs/prod.tfvars.json")).buckets
    pipelines            = jsondecode(file("envs/prod.tfvars.json")).pipelines
  }

  assert {
    condition     = length(module.network) == 0 && length(module.functions) == 2
    error_message = "prod plans without the network module."
  }
}
