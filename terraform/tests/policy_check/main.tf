# Test helper (used only by tests/deploy_role.tftest.hcl): checks IAM policy
# documents against policies/actions-by-type.json, the map of what each
# resource type needs. IAM wildcards (* and ?) are matched as IAM matches them
# (actions case-insensitively); conditions are assumed to hold, since the
# samples are the resources the conditions are written for. Creates nothing.

terraform {
  required_version = ">= 1.11.0"
}

variable "policies" {
  description = "Policy documents (JSON) that together make up the role's permissions, with placeholders."
  type        = list(string)
}

variable "actions_by_type" {
  description = "policies/actions-by-type.json (JSON), with placeholders."
  type        = string
}

variable "types" {
  description = "Resource types (aws_x), data sources (data.aws_x) and pseudo-types (backend.s3) whose actions the policies must grant."
  type        = list(string)
}

variable "placeholders" {
  description = "Values of the placeholders in the policies and the samples."
  type = object({
    PROJECT      = string
    ACCOUNT      = string
    REGION       = string
    STATE_BUCKET = string
    ENV          = string
  })
}

variable "mode" {
  description = "deploy: every read and write must be granted. plan: every read must be granted and no write that is not also a read."
  type        = string

  validation {
    condition     = contains(["deploy", "plan"], var.mode)
    error_message = "mode must be deploy or plan."
  }
}

locals {
  # STATE_BUCKET first: no placeholder is part of another, nor of a value.
  filled_policies = [
    for p in var.policies : jsondecode(replace(replace(replace(replace(replace(p,
      "STATE_BUCKET", var.placeholders.STATE_BUCKET),
      "PROJECT", var.placeholders.PROJECT),
      "ACCOUNT", var.placeholders.ACCOUNT),
      "REGION", var.placeholders.REGION),
      "ENV", var.placeholders.ENV,
    ))
  ]
  map = jsondecode(replace(replace(replace(replace(replace(var.actions_by_type,
    "STATE_BUCKET", var.placeholders.STATE_BUCKET),
    "PROJECT", var.placeholders.PROJECT),
    "ACCOUNT", var.placeholders.ACCOUNT),
    "REGION", var.placeholders.REGION),
    "ENV", var.placeholders.ENV,
  )).types

  statements = flatten([
    for p in local.filled_policies : [
      for s in p.Statement : {
        sid       = s.Sid
        effect    = s.Effect
        actions   = flatten([s.Action])
        resources = flatten([s.Resource])
        # An IAM pattern as an RE2 expression: escape what RE2 would read, then * and ?.
        action_res   = [for a in flatten([s.Action]) : "^(?i)${replace(replace(replace(a, ".", "\\."), "*", ".*"), "?", ".")}$"]
        resource_res = [for r in flatten([s.Resource]) : "^${replace(replace(replace(replace(replace(r, ".", "\\."), "+", "\\+"), "$", "\\$"), "*", ".*"), "?", ".")}$"]
      }
    ]
  ])

  # Every action a type needs, on its sample resource.
  needs = flatten([
    for t in var.types : [
      for g in try(local.map[t], []) : concat(
        [for a in try(g.read, []) : { type = t, kind = "read", action = a, resource = g.resource }],
        [for a in try(g.write, []) : { type = t, kind = "write", action = a, resource = g.resource }],
      )
    ]
  ])

  verdicts = [
    for n in local.needs : merge(n, {
      allowed = anytrue([for s in local.statements : s.effect == "Allow" &&
        anytrue([for re in s.action_res : can(regex(re, n.action))]) &&
      anytrue([for re in s.resource_res : can(regex(re, n.resource))])])
      denied = anytrue([for s in local.statements : s.effect == "Deny" &&
        anytrue([for re in s.action_res : can(regex(re, n.action))]) &&
      anytrue([for re in s.resource_res : can(regex(re, n.resource))])])
    })
  ]

  reads = toset([for n in local.needs : "${n.action} ${n.resource}" if n.kind == "read"])

  all_actions = toset(flatten([
    for t, grants in local.map : [for g in grants : concat(try(g.read, []), try(g.write, []))]
  ]))
  star_actions = toset(flatten([
    for t, grants in local.map : [for g in grants : concat(try(g.read, []), try(g.write, [])) if g.resource == "*"]
  ]))
}

output "unknown_types" {
  description = "Types with no entry in the map."
  value       = sort([for t in var.types : t if !contains(keys(local.map), t)])
}

output "missing" {
  description = "Needed actions the policies do not allow on the sample resource (mode deploy: reads and writes; plan: reads)."
  value = sort(distinct([
    for v in local.verdicts : "${v.type}: ${v.action} on ${v.resource}"
    if !v.allowed && (var.mode == "deploy" || v.kind == "read")
  ]))
}

output "denied" {
  description = "Needed actions a Deny statement refuses on the sample resource."
  value = sort(distinct([
    for v in local.verdicts : "${v.type}: ${v.action} on ${v.resource}"
    if v.denied && (var.mode == "deploy" || v.kind == "read")
  ]))
}

output "writes_allowed" {
  description = "In plan mode, writes the policies allow (that are not also a read of the same resource)."
  value = var.mode == "deploy" ? [] : sort(distinct([
    for v in local.verdicts : "${v.type}: ${v.action} on ${v.resource}"
    if v.kind == "write" && v.allowed && !contains(local.reads, "${v.action} ${v.resource}")
  ]))
}

output "extra_actions" {
  description = "Actions an Allow statement grants that no type in the map needs."
  value = sort(distinct(flatten([
    for s in local.statements : [for a in s.actions : "${s.sid}: ${a}" if !contains(local.all_actions, a)] if s.effect == "Allow"
  ])))
}

output "star_resources" {
  description = "Actions allowed on Resource \"*\" that the map does not list as needing \"*\" (they support resource-level permissions)."
  value = sort(distinct(flatten([
    for s in local.statements : [for a in s.actions : "${s.sid}: ${a}" if !contains(local.star_actions, a)] if s.effect == "Allow" && contains(s.resources, "*")
  ])))
}

output "wildcard_actions" {
  description = "Actions written with a wildcard in an Allow statement (the map names every action)."
  value       = sort(distinct(flatten([for s in local.statements : [for a in s.actions : "${s.sid}: ${a}" if strcontains(a, "*") || strcontains(a, "?")] if s.effect == "Allow"])))
}
